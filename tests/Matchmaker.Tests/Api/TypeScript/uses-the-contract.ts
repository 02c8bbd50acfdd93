// What a vendor's TypeScript code does with the types openapi-typescript makes from docs/openapi.json: compiled with
// tsc --strict by TypeScriptContractTests. A change of the document that breaks this code breaks a vendor's build.
import type { components, paths } from "./matchmaker";

type Problem = components["schemas"]["Problem"];
type HoldsPlaced = paths["/offerings/{offeringId}/holds"]["post"]["responses"][201]["content"]["application/json"];
type PlaceTaken = paths["/offerings/{offeringId}/holds"]["post"]["responses"][409]["content"]["application/problem+json"];
type Registered = paths["/regions/{regionCode}/requests"]["post"]["responses"][201]["content"]["application/json"];
type Placement = paths["/placements/{placementId}"]["get"]["responses"][200]["content"]["application/json"];
type Invalid = paths["/regions/{regionCode}/requests"]["post"]["responses"][400]["content"]["application/problem+json"];

export const refusal: Problem = { status: 409, title: "Place taken", detail: "No unit of this offering is free any more.", code: "place-taken" };
export const taken: PlaceTaken = refusal;

export function firstHold(placed: HoldsPlaced): string {
  return placed[0].holdId;
}

export function fieldsWrong(problem: Invalid): string[] {
  return Object.keys(problem.errors ?? {});
}

export function summary(request: Registered, placement: Placement): string {
  return `${request.caseReference} placed at ${placement.locationName} from ${placement.startDate}`;
}
