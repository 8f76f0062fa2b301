import type { MessageKey } from "../../i18n/en";

// Stripe names what it still needs by field path ("individual.verification.document", "external_account",
// "person_1Nv….dob.day"). A business reads them as a few plain phrases: the first rule that matches names one.
const RULES: readonly (readonly [pattern: RegExp, key: MessageKey])[] = [
  [/^external_account/, "payments.requirement.bankAccount"],
  [/^tos_acceptance\./, "payments.requirement.terms"],
  [/^business_profile\.url/, "payments.requirement.website"],
  [/^business_profile\.(mcc|product_description)/, "payments.requirement.whatYouSell"],
  [/^business_profile\./, "payments.requirement.businessProfile"],
  [/^business_type/, "payments.requirement.businessType"],
  [/\.verification\.additional_document/, "payments.requirement.proofOfAddress"],
  [/^company\.verification\./, "payments.requirement.companyDocument"],
  [/\.verification\.document/, "payments.requirement.identityDocument"],
  [/^(company\.(owners|directors|executives)_provided|owners|directors|executives|representative|person_)/, "payments.requirement.people"],
  [/^individual\./, "payments.requirement.personalDetails"],
  [/^company\./, "payments.requirement.companyDetails"],
  [/^settings\.(payments|card_payments)\.statement_descriptor/, "payments.requirement.statementDescriptor"],
];

/** What Stripe still needs, as plain phrases, each once, in Stripe's order (past due first). */
export function plainRequirements(requirements: readonly string[]): MessageKey[] {
  const phrases = requirements.map(
    (code) => RULES.find(([pattern]) => pattern.test(code))?.[1] ?? "payments.requirement.other",
  );
  return [...new Set(phrases)];
}
