using Matchmaker.Matching.Allocation;

namespace Matchmaker.Matching;

/// <summary>Turns an allocation into a sentence per child, a reason code per child left out, and the top-5 options.</summary>
internal sealed class Explanations(MatchingInstance instance, Candidate[][] candidates, SiblingGroups groups, int[] placeOf, ExplanationWords words)
{
    public const int OptionCount = 5;

    private readonly (int Count, int Best)[] _occupants = Occupants(instance, placeOf);

    /// <summary>Per place: how many children the allocation puts there, and the best-ranked of them (the first in input
    /// order among equals), found once rather than for every child whose sentence names the place.</summary>
    private static (int Count, int Best)[] Occupants(MatchingInstance instance, int[] placeOf)
    {
        var occupants = new (int Count, int Best)[instance.Places.Count];
        for (var r = 0; r < placeOf.Length; r++)
        {
            if (placeOf[r] < 0) continue;
            var (count, best) = occupants[placeOf[r]];
            var ranksHigher = count == 0 || instance.Requests[r].Priority < instance.Requests[best].Priority ||
                (instance.Requests[r].Priority == instance.Requests[best].Priority && instance.Requests[r].WaitingDays > instance.Requests[best].WaitingDays);
            occupants[placeOf[r]] = (count + 1, ranksHigher ? r : best);
        }
        return occupants;
    }

    public IReadOnlyList<PlaceOption> Options(int r) =>
        candidates[r].Take(OptionCount)
            .Select(c => new PlaceOption(instance.Places[c.Place].Id, Round(c.DistanceKm), instance.Places[c.Place].Units, c.AllowedByPolicy))
            .ToList();

    /// <summary>
    /// The child's best places that can take it now: a free unit, within the region's policy first (those the desk may
    /// simply hold), then nearest. A place outside the policy still shows, last, for a deliberate hold with a reason.
    /// </summary>
    public IReadOnlyList<PlaceOption> FreeOptions(int r) =>
        candidates[r].Where(c => instance.Places[c.Place].Units > 0)
            .OrderByDescending(c => c.AllowedByPolicy).ThenBy(c => c.DistanceKm).ThenBy(c => c.Place)
            .Take(OptionCount)
            .Select(c => new PlaceOption(instance.Places[c.Place].Id, Round(c.DistanceKm), instance.Places[c.Place].Units, c.AllowedByPolicy))
            .ToList();

    public string Placed(int r)
    {
        var request = instance.Requests[r];
        var place = placeOf[r];
        var distance = candidates[r].First(c => c.Place == place).DistanceKm;
        var siblings = groups.GroupOf[r] >= 0 ? groups.Members[groups.GroupOf[r]].Length - 1 : 0;
        var nearer = candidates[r].Where(c => c.AllowedByPolicy && c.DistanceKm < distance && c.Place != place).ToList();
        return (nearer.Count == 0
            ? words.PlacedNearest(instance.Places[place].Id, distance, siblings, request.CareType)
            : words.PlacedFarther(instance.Places[place].Id, distance, siblings, nearer.Count, DescribeTaken(r, nearer))) + NotProposedAgain(request);
    }

    public (string Reason, string Explanation) NotPlaced(int r)
    {
        var (reason, explanation, toldDeclines) = NotPlacedWithoutDeclines(r);
        return (reason, toldDeclines ? explanation : explanation + NotProposedAgain(instance.Requests[r]));
    }

    /// <summary>Says so when places that would fit were left out because their provider declined this child before.</summary>
    private string NotProposedAgain(Request request)
    {
        if (request.DeclinedPlaces is not { Count: > 0 }) return "";
        var declined = instance.Places.Count(p => Feasibility.BrokenIgnoringPolicy(request, p, Geo.DistanceKm(request.Lat, request.Lon, p.Lat, p.Lon)) == Feasibility.Rule.Declined);
        return declined == 0 ? "" : words.NotProposedAgain(declined);
    }

    /// <summary>The reason and its sentence; <c>ToldDeclines</c> when that sentence already says the places declined the child.</summary>
    private (string Reason, string Explanation, bool ToldDeclines) NotPlacedWithoutDeclines(int r)
    {
        var request = instance.Requests[r];
        var group = groups.GroupOf[r];
        if (candidates[r].Length == 0)
        {
            var (sentence, rule) = NoFeasiblePlace(request);
            return (ReasonCodes.NoFeasiblePlace, sentence, rule == Feasibility.Rule.Declined);
        }
        var allowed = candidates[r].Where(c => c.AllowedByPolicy).ToList();
        if (allowed.Count == 0)
            return (ReasonCodes.Policy, PolicyOnly(r), false);
        if (group >= 0)
        {
            var members = groups.Members[group];
            var lacking = members.Where(m => candidates[m].All(c => !c.AllowedByPolicy)).ToList();
            if (lacking.Count > 0)
                return (ReasonCodes.SiblingGroup, words.SiblingWithoutPlace(members.Length, lacking.Count), false);
            if (groups.PlacesForGroup[group].Count == 0)
                return (ReasonCodes.SiblingGroup, words.NoPlaceForGroup(members.Length), false);
            var shared = allowed.Where(c => groups.PlacesForGroup[group].Contains(c.Place)).ToList();
            return (ReasonCodes.SiblingGroup, words.GroupPlacesTaken(shared.Count, members.Length, DescribeTaken(r, shared)), false);
        }
        return (ReasonCodes.CapacityTaken, words.AllTaken(allowed.Count, DescribeTaken(r, allowed)), false);
    }

    private string DescribeTaken(int r, List<Candidate> places)
    {
        var request = instance.Requests[r];
        int full = 0, higher = 0, longer = 0, same = 0, lower = 0, tooSmall = 0;
        var higherByClass = new SortedDictionary<int, int>();
        foreach (var candidate in places)
        {
            var place = instance.Places[candidate.Place];
            var (occupied, bestOccupant) = _occupants[candidate.Place];
            if (place.Units == 0) { full++; continue; }
            if (occupied < place.Units) { tooSmall++; continue; }
            var best = instance.Requests[bestOccupant];
            if (best.Priority < request.Priority)
            {
                higher++;
                higherByClass[best.Priority] = higherByClass.GetValueOrDefault(best.Priority) + 1;
            }
            else if (best.Priority == request.Priority && best.WaitingDays > request.WaitingDays) longer++;
            else if (best.Priority == request.Priority && best.WaitingDays == request.WaitingDays) same++;
            else lower++;
        }
        var parts = new List<string>();
        if (full > 0) parts.Add(words.Full(full));
        if (higher > 0) parts.Add(words.ToHigherPriority(higher, higherByClass));
        if (longer > 0) parts.Add(words.ToLongerWaiting(longer));
        if (same > 0) parts.Add(words.ToSameRank(same));
        if (lower > 0) parts.Add(words.ToLowerPriority(lower));
        if (tooSmall > 0) parts.Add(words.TooSmallForGroup(tooSmall));
        return string.Join("; ", parts);
    }

    private (string Sentence, Feasibility.Rule? Rule) NoFeasiblePlace(Request request)
    {
        var sameType = instance.Places.Where(p => string.Equals(p.CareType, request.CareType, StringComparison.Ordinal)).ToList();
        if (sameType.Count == 0)
            return (words.NoPlaceOfCareType(request.CareType), null);
        // The places left out for this child alone (declined it, hold it already) are told apart, after the rule that weighs most.
        var broken = sameType
            .Select(p => Feasibility.BrokenIgnoringPolicy(request, p, Geo.DistanceKm(request.Lat, request.Lon, p.Lat, p.Lon))!.Value)
            .GroupBy(rule => rule)
            .OrderBy(g => g.Key is Feasibility.Rule.Declined or Feasibility.Rule.AlreadyHeld).ThenByDescending(g => g.Count()).ThenBy(g => g.Key)
            .First();
        return (words.NoneFits(sameType.Count, request.CareType, broken.Count(), words.RuleBroken(broken.Key, request)), broken.Key);
    }

    private string PolicyOnly(int r)
    {
        var request = instance.Requests[r];
        var outside = candidates[r].Count(c => Feasibility.BrokenPolicy(request, instance.Places[c.Place], instance.Policy) == Feasibility.Rule.Region);
        var notContracted = candidates[r].Length - outside;
        // Escalating beyond the region helps only if one of those places has a free unit now.
        var free = candidates[r].Count(c => instance.Places[c.Place].Units > 0);
        return words.OnlyPolicyForbidden(outside, notContracted, candidates[r][0].DistanceKm, free);
    }

    public static double Round(double km) => Math.Round(km, 6);
}
