using System.Globalization;
using Matchmaker.Matching.Allocation;

namespace Matchmaker.Matching;

/// <summary>Turns an allocation into a sentence per child, a reason code per child left out, and the top-5 options.</summary>
internal sealed class Explanations(MatchingInstance instance, Candidate[][] candidates, SiblingGroups groups, int[] placeOf)
{
    public const int OptionCount = 5;

    private readonly List<int>[] _occupants = Occupants(instance, placeOf);

    private static List<int>[] Occupants(MatchingInstance instance, int[] placeOf)
    {
        var occupants = Enumerable.Range(0, instance.Places.Count).Select(_ => new List<int>()).ToArray();
        for (var r = 0; r < placeOf.Length; r++)
            if (placeOf[r] >= 0) occupants[placeOf[r]].Add(r);
        return occupants;
    }

    public IReadOnlyList<PlaceOption> Options(int r) =>
        candidates[r].Take(OptionCount)
            .Select(c => new PlaceOption(instance.Places[c.Place].Id, Round(c.DistanceKm), instance.Places[c.Place].Units, c.AllowedByPolicy))
            .ToList();

    public string Placed(int r)
    {
        var request = instance.Requests[r];
        var place = placeOf[r];
        var distance = candidates[r].First(c => c.Place == place).DistanceKm;
        var siblings = groups.GroupOf[r] >= 0 ? groups.Members[groups.GroupOf[r]].Length - 1 : 0;
        var together = siblings > 0 ? $", together with {Count(siblings, "sibling", "siblings")}" : "";
        var nearer = candidates[r].Where(c => c.AllowedByPolicy && c.DistanceKm < distance && c.Place != place).ToList();
        var head = $"Placed at {instance.Places[place].Id} ({Km(distance)}){together}";
        if (nearer.Count == 0)
            return $"{head}: the nearest feasible {request.CareType} place.";
        return $"{head}. {Capitalise(Count(nearer.Count, "nearer feasible place", "nearer feasible places"))}: {DescribeTaken(r, nearer)}.";
    }

    public (string Reason, string Explanation) NotPlaced(int r)
    {
        var request = instance.Requests[r];
        var group = groups.GroupOf[r];
        if (candidates[r].Length == 0)
            return (ReasonCodes.NoFeasiblePlace, NoFeasiblePlace(request));
        var allowed = candidates[r].Where(c => c.AllowedByPolicy).ToList();
        if (allowed.Count == 0)
            return (ReasonCodes.Policy, PolicyOnly(r));
        if (group >= 0)
        {
            var members = groups.Members[group];
            var lacking = members.Where(m => candidates[m].All(c => !c.AllowedByPolicy)).ToList();
            if (lacking.Count > 0)
                return (ReasonCodes.SiblingGroup, $"Not placed: the {members.Length} siblings must be placed together, and {Count(lacking.Count, "sibling has", "siblings have")} no feasible place at all.");
            if (groups.PlacesForGroup[group].Count == 0)
                return (ReasonCodes.SiblingGroup, $"Not placed: no feasible place has {members.Length} free units that suit all {members.Length} siblings together.");
            var shared = allowed.Where(c => groups.PlacesForGroup[group].Contains(c.Place)).ToList();
            return (ReasonCodes.SiblingGroup, $"Not placed: {Count(shared.Count, "place could", "places could")} take all {members.Length} siblings together, but {DescribeTaken(r, shared)}.");
        }
        return (ReasonCodes.CapacityTaken, $"Not placed: {Count(allowed.Count, "feasible place", "feasible places")}, all taken: {DescribeTaken(r, allowed)}.");
    }

    private string DescribeTaken(int r, List<Candidate> places)
    {
        var request = instance.Requests[r];
        int full = 0, higher = 0, longer = 0, same = 0, lower = 0, tooSmall = 0;
        var higherByClass = new SortedDictionary<int, int>();
        foreach (var candidate in places)
        {
            var place = instance.Places[candidate.Place];
            var occupants = _occupants[candidate.Place];
            if (place.Units == 0) { full++; continue; }
            if (occupants.Count < place.Units) { tooSmall++; continue; }
            var best = occupants.Select(o => instance.Requests[o]).OrderBy(o => o.Priority).ThenByDescending(o => o.WaitingDays).First();
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
        if (full > 0) parts.Add($"{full} already full");
        if (higher > 0)
            parts.Add($"{higher} went to children with higher priority ({string.Join(", ", higherByClass.Select(kv => $"{PriorityPolicy.ClassName(kv.Key)}: {kv.Value}"))})");
        if (longer > 0) parts.Add($"{longer} to children of the same priority who have waited longer");
        if (same > 0) parts.Add($"{same} to children of the same priority who have waited as long, nearer to it or with fewer alternatives");
        if (lower > 0) parts.Add($"{lower} to children of lower priority who had no other place, so that more children are placed");
        if (tooSmall > 0) parts.Add($"{tooSmall} had too few free units for the sibling group");
        return string.Join("; ", parts);
    }

    private string NoFeasiblePlace(Request request)
    {
        var sameType = instance.Places.Where(p => string.Equals(p.CareType, request.CareType, StringComparison.Ordinal)).ToList();
        if (sameType.Count == 0)
            return $"Not placed: there is no {request.CareType} place in the market at all.";
        var broken = sameType
            .Select(p => Feasibility.BrokenIgnoringPolicy(request, p, Geo.DistanceKm(request.Lat, request.Lon, p.Lat, p.Lon))!.Value)
            .GroupBy(rule => rule)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .First();
        return $"Not placed: none of the {sameType.Count} {request.CareType} places fits; {broken.Count()} of them {RulePhrase(broken.Key, request)}.";
    }

    private string PolicyOnly(int r)
    {
        var request = instance.Requests[r];
        var outside = candidates[r].Count(c => Feasibility.BrokenPolicy(request, instance.Places[c.Place], instance.Policy) == Feasibility.Rule.Region);
        var notContracted = candidates[r].Length - outside;
        var parts = new List<string>();
        if (outside > 0) parts.Add($"{outside} outside the region");
        if (notContracted > 0) parts.Add($"{notContracted} not contracted by the region");
        return $"Not placed: only places the region's policy rules out would fit ({string.Join(", ", parts)}); the nearest is {Km(candidates[r][0].DistanceKm)} away.";
    }

    private static string RulePhrase(Feasibility.Rule rule, Request request) => rule switch
    {
        Feasibility.Rule.Secure when request.NeedsSecure => "are not secure places, and the child has a court authorisation for secure care",
        Feasibility.Rule.Secure => "are secure places, and the child has no court authorisation for secure care",
        Feasibility.Rule.Age => $"do not take children aged {request.Age}",
        Feasibility.Rule.Gender => $"do not take gender '{request.Gender}'",
        Feasibility.Rule.Needs => $"lack a needed specialism ({string.Join(", ", request.Needs)})",
        Feasibility.Rule.Distance => $"are further than {request.MaxDistanceKm.ToString("0.#", CultureInfo.InvariantCulture)} km from home",
        _ => "do not fit",
    };

    public static double Round(double km) => Math.Round(km, 6);

    private static string Km(double km) => km.ToString("0.0", CultureInfo.InvariantCulture) + " km";

    private static string Count(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
