namespace Matchmaker.Matching;

/// <summary>
/// Why this place was proposed for this child, for the provider who decides: the rules the pair meets (kind and needs,
/// distance, the region's purchasing policy), how the place was chosen, and the desk's reason when it chose deliberately.
/// </summary>
public static class ProposalReasons
{
    /// <param name="fromRound">The hold came from a matching round (else the desk picked the place itself).</param>
    /// <param name="deliberateReason">The reason the desk (or the expertise network on its behalf) gave for holding a place outside the policy.</param>
    public static IReadOnlyList<string> For(Request request, Place place, double distanceKm, bool fromRound,
        string? deliberateReason, bool byNetwork, ExplanationWords words)
    {
        var reasons = new List<string> { fromRound ? words.ProposedByRound() : words.ChosenByDesk() };
        // Checked when the hold was placed; said only while it still holds (the place or the child may have changed since).
        if (Feasibility.BrokenByKind(request, place) is null) reasons.Add(words.FitsTheChild(request.Needs));
        if (distanceKm <= request.MaxDistanceKm) reasons.Add(words.WithinMaxDistance());
        var inRegion = string.Equals(place.RegionId, request.RegionId, StringComparison.Ordinal);
        var contracted = place.ContractedBy.Contains(request.RegionId, StringComparer.Ordinal);
        reasons.Add(words.PolicyStanding(inRegion, contracted));
        if (!string.IsNullOrWhiteSpace(deliberateReason)) reasons.Add(words.DeliberatelyBecause(byNetwork, deliberateReason.Trim()));
        return reasons;
    }
}
