import { AvailabilityEditor } from "../components/calendar/AvailabilityEditor";
import { GoogleCalendarCard } from "../components/calendar/GoogleCalendarCard";
import { ManualBooking } from "../components/calendar/ManualBooking";
import { useGoogleCalendarReturn, type GoogleCalendarOutcome } from "../components/calendar/useGoogleCalendarReturn";
import { WeekView } from "../components/calendar/WeekView";
import { CompanyPicker, useSelectedCompany } from "../components/CompanyPicker";
import { NoCompanies } from "../components/NoCompanies";
import { ErrorAlert, Spinner } from "../components/ui";
import { useI18n } from "../i18n";
import { usePermissions } from "../lib/usePermissions";
import { useAvailability } from "../queries/booking";
import type { Company } from "../queries/companies";

/** Calendar (SPEC.md R-UI2, R-CAL1/2): a company's bookings week by week, booking and cancelling by hand, its
 * availability and its Google Calendar. Managers see it all and change nothing. */
export function CalendarPage() {
  const { t } = useI18n();
  const returned = useGoogleCalendarReturn();
  const { companies, company, isPending, error } = useSelectedCompany();

  return (
    <div className="mx-auto max-w-6xl space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t("calendar.title")}</h1>
          <p className="text-sm text-slate-600">{t("calendar.subtitle")}</p>
        </div>
        <CompanyPicker companies={companies} value={company?.id} />
      </div>
      {isPending && <Spinner label={t("common.loading")} />}
      <ErrorAlert error={error} />
      {!isPending && companies.length === 0 && !error && <NoCompanies />}
      {company && <CompanyCalendar key={company.id} company={company} returned={returned} />}
    </div>
  );
}

function CompanyCalendar({ company, returned }: { company: Company; returned: GoogleCalendarOutcome | null }) {
  const { t } = useI18n();
  const { can } = usePermissions();
  const availability = useAvailability(company.id);
  const canEdit = can("calendar.edit");

  if (availability.isPending) return <Spinner label={t("common.loading")} />;
  if (!availability.data) return <ErrorAlert error={availability.error} />;
  const zone = availability.data.timezone;
  return (
    <>
      <WeekView companyId={company.id} zone={zone} canEdit={canEdit} />
      {canEdit && <ManualBooking key={zone} company={company} availability={availability.data} />}
      <AvailabilityEditor company={company} saved={availability.data} readOnly={!canEdit} />
      <GoogleCalendarCard companyId={company.id} canEdit={canEdit} returned={returned} />
    </>
  );
}
