using System.Diagnostics;
using Matchmaker.Matching.Allocation;

namespace Matchmaker.Matching;

/// <summary>
/// The matcher: given the open requests and the free places, the best feasible allocation (see docs/matching.md),
/// with an explanation for every child. Pure and deterministic: the same instance gives the same result.
/// </summary>
public static class Matcher
{
    /// <param name="words">the language of the explanations: English (the default, the command line's) or Dutch (for desks)</param>
    public static MatchingResult Solve(MatchingInstance instance, ExplanationWords? words = null)
    {
        var clock = Stopwatch.StartNew();
        var (candidates, groups, placeOf, distances, shortfall) = Run(instance);
        var explanations = new Explanations(instance, candidates, groups, placeOf, words ?? ExplanationWords.English);

        var assignments = new List<Assignment>();
        var unassigned = new List<Unassigned>();
        var byPriority = new int[3];
        long waitingDays = 0;
        double distanceKm = 0;
        for (var r = 0; r < instance.Requests.Count; r++)
        {
            var request = instance.Requests[r];
            if (placeOf[r] >= 0)
            {
                var distance = distances[r];
                assignments.Add(new Assignment(request.Id, instance.Places[placeOf[r]].Id, Explanations.Round(distance), explanations.Placed(r), explanations.Options(r)));
                byPriority[request.Priority - 1]++;
                waitingDays += request.WaitingDays;
                distanceKm += distance;
            }
            else
            {
                var (reason, text) = explanations.NotPlaced(r);
                unassigned.Add(new Unassigned(request.Id, reason, text, explanations.Options(r)));
            }
        }
        var bestPossible = shortfall is { } open
            ? new Objective([byPriority[0] + (int)open.Priority1, byPriority[1] + (int)open.Priority2, byPriority[2] + (int)open.Priority3],
                waitingDays + open.WaitingDays, RoundedDown(Math.Max(0, distanceKm + open.Distance / AllocationValue.DistanceUnitsPerKm)))
            : null;
        return new MatchingResult(assignments, unassigned, new Objective(byPriority, waitingDays, Explanations.Round(distanceKm)),
            PriorityPolicy.Version, clock.ElapsedMilliseconds, bestPossible);
    }

    /// <summary>
    /// Searches again for one child (a desk's "zoek opnieuw"): the same allocation and explanation a round would give it
    /// now, and its best places with a free unit. Null when the child is not in the instance.
    /// </summary>
    public static ChildSearch? SearchFor(MatchingInstance instance, string requestId, ExplanationWords? words = null)
    {
        var r = -1;
        for (var i = 0; i < instance.Requests.Count && r < 0; i++)
            if (string.Equals(instance.Requests[i].Id, requestId, StringComparison.Ordinal)) r = i;
        if (r < 0) return null;
        var (candidates, groups, placeOf, _, _) = Run(instance);
        var explanations = new Explanations(instance, candidates, groups, placeOf, words ?? ExplanationWords.English);
        return placeOf[r] >= 0
            ? new ChildSearch(requestId, instance.Places[placeOf[r]].Id, explanations.Placed(r), explanations.FreeOptions(r))
            : new ChildSearch(requestId, null, explanations.NotPlaced(r).Explanation, explanations.FreeOptions(r));
    }

    /// <summary>A bound's distance to the millimetre, down: rounded up it could claim a shade less than an allocation reaches.</summary>
    private static double RoundedDown(double km) => Math.Floor(km * 1e6) / 1e6;

    /// <summary>
    /// The same optimal allocation as <see cref="Solve"/>, without explanations: the place index of every request (or -1)
    /// and its distance, for callers that solve one region many times over (what-if runs, sweeps). Under the same search
    /// limit: on a market dense enough to reach it the allocation is the best found, not proven best, and nothing here says so.
    /// </summary>
    public static PlacedRequests Allocate(MatchingInstance instance)
    {
        var (_, _, placeOf, distanceKm, _) = Run(instance);
        return new PlacedRequests(placeOf, distanceKm);
    }

    /// <summary>
    /// The feasible pairs, the sibling groups, and the optimal allocation with each placed child's distance; and, when the
    /// search stopped at its limit, how much better an allocation could still be (<see cref="SearchLimit"/>).
    /// </summary>
    private static (Candidate[][] Candidates, SiblingGroups Groups, int[] PlaceOf, double[] DistanceKm, AllocationValue? Shortfall) Run(
        MatchingInstance instance)
    {
        EnsureValid(instance);
        var candidates = Candidates.Find(instance);
        var groups = SiblingGroups.Find(instance, candidates);
        var limit = new SearchLimit(SearchLimit.DefaultWork);
        var placeOf = Allocator.Allocate(instance, candidates, groups, limit);
        var distanceKm = new double[placeOf.Length];
        for (var r = 0; r < placeOf.Length; r++)
            if (placeOf[r] >= 0)
                distanceKm[r] = candidates[r].First(c => c.Place == placeOf[r]).DistanceKm;
        return (candidates, groups, placeOf, distanceKm, limit.Shortfall);
    }

    private static void EnsureValid(MatchingInstance instance)
    {
        if (instance.Places.Select(p => p.Id).Distinct(StringComparer.Ordinal).Count() != instance.Places.Count)
            throw new ArgumentException("Place ids must be unique.", nameof(instance));
        if (instance.Requests.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count() != instance.Requests.Count)
            throw new ArgumentException("Request ids must be unique.", nameof(instance));
        if (instance.Places.Any(p => p.Units < 0))
            throw new ArgumentException("Units cannot be negative.", nameof(instance));
        if (instance.Requests.Any(r => r.Priority is < 1 or > 3))
            throw new ArgumentException("Priority must be 1, 2 or 3.", nameof(instance));
        if (instance.Requests.Any(r => r.WaitingDays < 0))
            throw new ArgumentException("Waiting days cannot be negative.", nameof(instance));
    }
}
