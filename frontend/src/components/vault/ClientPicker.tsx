import { useI18n } from "../../i18n";
import { useAdminClients, useManagerClients, type Client } from "../../queries/admin";
import { SelectField } from "../admin/fields";

const MAX_CLIENTS = 200;

/** Staff choose whose secrets to see: a manager among their businesses, an admin among all. */
export function ClientPicker({ role, value, onChange }: {
  role: "MANAGER" | "ADMIN";
  value: string | undefined;
  onChange: (clientId: string | undefined) => void;
}) {
  return role === "MANAGER"
    ? <ManagerClients value={value} onChange={onChange} />
    : <AllClients value={value} onChange={onChange} />;
}

function ManagerClients(props: { value: string | undefined; onChange: (clientId: string | undefined) => void }) {
  const clients = useManagerClients("", 0, MAX_CLIENTS);
  return <Picker clients={clients.data?.items} {...props} />;
}

function AllClients(props: { value: string | undefined; onChange: (clientId: string | undefined) => void }) {
  const clients = useAdminClients({ limit: MAX_CLIENTS });
  return <Picker clients={clients.data?.items} {...props} />;
}

function Picker({ clients, value, onChange }: {
  clients: Client[] | undefined;
  value: string | undefined;
  onChange: (clientId: string | undefined) => void;
}) {
  const { t } = useI18n();
  const listed = clients?.some((c) => c.id === value) ?? false;
  return (
    <div className="w-full sm:w-80" data-testid="vault-client-picker">
      <SelectField label={t("vault.client")} value={value ?? ""} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">{t("vault.allClients")}</option>
        {/* a business asked for by link but not among the caller's: the list below says it is not found */}
        {value && !listed && <option value={value}>{value}</option>}
        {clients?.map((client) => (
          <option key={client.id} value={client.id}>{client.full_name ? `${client.full_name} · ${client.email}` : client.email}</option>
        ))}
      </SelectField>
    </div>
  );
}
