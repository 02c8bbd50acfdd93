using Matchmaker.Matching;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>
/// What a desk reads when a round's proposals are not proven the best allocation (the matcher stopped at its limit on a
/// dense market, <see cref="MatchingResult.BestPossible"/>): how much better an allocation could still be, at the first
/// step of the order where it could differ.
/// </summary>
public static class NotProvenBest
{
    /// <summary>Null when the round is proven best, or was stored before rounds said.</summary>
    public static string? Describe(Objective? reached, Objective? bound)
    {
        if (reached is null || bound is null) return null;
        string[] classes = ["crisis", "spoed", "regulier"];
        for (var level = 0; level < 3; level++)
        {
            var more = bound.AssignedByPriority[level] - reached.AssignedByPriority[level];
            if (more > 0)
                return $"Een betere verdeling zou hooguit {more} {(more == 1 ? "kind" : "kinderen")} met urgentie {classes[level]} meer plaatsen" +
                    (level == 0 ? "." : $", met evenveel kinderen van hogere urgentie.");
        }
        var days = bound.WaitingDays - reached.WaitingDays;
        if (days > 0)
            return $"Een betere verdeling plaatst evenveel kinderen per urgentie, en kinderen die samen hooguit {days} {(days == 1 ? "dag" : "dagen")} langer wachten.";
        var km = Math.Max(0, reached.DistanceKm - bound.DistanceKm);
        var distance = km < 0.05 ? "minder dan 0,1 km" : $"hooguit {km.ToString("0.#", Dutch.Culture)} km";
        return $"Een betere verdeling plaatst evenveel kinderen per urgentie, die even lang wachten, met {distance} minder reisafstand in totaal.";
    }
}
