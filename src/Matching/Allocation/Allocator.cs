namespace Matchmaker.Matching.Allocation;

/// <summary>
/// Splits the market into independent parts (children and places linked by a feasible pair or a sibling
/// group) and allocates each exactly. The lexicographic value of independent parts adds up, so the best
/// allocation of the whole is the best allocation of every part.
/// </summary>
internal static class Allocator
{
    /// <summary>The place index of every request, or -1.</summary>
    /// <param name="limit">the work the sibling groups' search may do; what it left open is recorded in it</param>
    public static int[] Allocate(MatchingInstance instance, Candidate[][] candidates, SiblingGroups groups, SearchLimit limit) =>
        Allocate(instance, candidates, groups, warmStart: true, out _, limit: limit);

    /// <param name="warmStart">branches start from their parent's flow (false: each is solved afresh; for comparison)</param>
    /// <param name="branches">how many branches the sibling groups took, over all parts</param>
    /// <param name="inRankingOrder">branch on the best-ranked split group and search branches in a fixed order (the search
    /// before it chose by what a split costs; for comparison)</param>
    /// <param name="spread">the children's edges over the cores when the market is large enough (<see cref="OnEveryCore"/>); false for comparison</param>
    /// <param name="limit">null: every part is searched to the end, however long it takes</param>
    public static int[] Allocate(MatchingInstance instance, Candidate[][] candidates, SiblingGroups groups, bool warmStart, out int branches,
        bool inRankingOrder = false, bool spread = true, SearchLimit? limit = null)
    {
        branches = 0;
        var requestCount = instance.Requests.Count;
        var placeCount = instance.Places.Count;
        var units = new int[placeCount];
        for (var p = 0; p < placeCount; p++) units[p] = instance.Places[p].Units;
        var edges = new Edges(new int[requestCount][], new long[requestCount][], new int[requestCount][]);
        OnEveryCore.ForChildren(requestCount, () => new EdgeLists(new InPlaceOrder(instance.Places)),
            (from, to, lists) => lists.Fill(from, to, instance, candidates, groups, units, edges), spread);

        var components = new UnionFind(requestCount + placeCount);
        for (var r = 0; r < requestCount; r++)
            foreach (var p in edges.Place[r])
                components.Union(r, requestCount + p);
        foreach (var members in groups.Members)
            for (var i = 1; i < members.Length; i++)
                components.Union(members[0], members[i]);

        var placeOf = new int[requestCount];
        Array.Fill(placeOf, -1);
        var requestsByComponent = new Dictionary<int, List<int>>();
        for (var r = 0; r < requestCount; r++)
        {
            if (edges.Place[r].Length == 0 && groups.GroupOf[r] < 0) continue;
            var root = components.Find(r);
            if (!requestsByComponent.TryGetValue(root, out var list))
                requestsByComponent[root] = list = [];
            list.Add(r);
        }
        var placesByComponent = new Dictionary<int, List<int>>();
        for (var p = 0; p < placeCount; p++)
        {
            var root = components.Find(requestCount + p);
            if (!requestsByComponent.ContainsKey(root)) continue;
            if (!placesByComponent.TryGetValue(root, out var list))
                placesByComponent[root] = list = [];
            list.Add(p);
        }

        var localPlace = new int[placeCount];
        // Smallest parts first: should the search reach its limit, they have been searched to the end with little of it,
        // and what is left goes to the large ones. (Without the limit the order changes nothing: the parts are independent.)
        foreach (var (root, requests) in requestsByComponent.OrderBy(c => c.Value.Count).ThenBy(c => c.Value[0]))
        {
            var places = placesByComponent.TryGetValue(root, out var list) ? list : [];
            for (var i = 0; i < places.Count; i++) localPlace[places[i]] = i;
            var problem = ComponentProblem.Build(instance, requests, places, edges, localPlace, groups);
            var search = new ComponentSearch(problem, warmStart, inRankingOrder, limit);
            var local = search.Run();
            branches += search.BranchesSolved;
            for (var i = 0; i < requests.Count; i++)
                placeOf[requests[i]] = local[i] < 0 ? -1 : places[local[i]];
        }
        return placeOf;
    }

    /// <summary>Per request, the places it may use in this allocation (ascending), their distance costs, and their indices nearest first.</summary>
    internal sealed record Edges(int[][] Place, long[][] Cost, int[][] ByCost);

    /// <summary>One thread's working lists for the children's edges.</summary>
    private sealed class EdgeLists(InPlaceOrder inPlaceOrder)
    {
        private readonly List<int> _place = [];
        private readonly List<long> _cost = [];

        /// <summary>The edges of children <paramref name="from"/> up to <paramref name="to"/>: their candidates the policy allows, with units, that the group can share.</summary>
        public void Fill(int from, int to, MatchingInstance instance, Candidate[][] candidates, SiblingGroups groups, int[] units, Edges edges)
        {
            for (var r = from; r < to; r++)
            {
                _place.Clear();
                _cost.Clear();
                var group = groups.GroupOf[r];
                var forGroup = group >= 0 ? groups.PlacesForGroup[group] : null;
                foreach (var c in candidates[r])
                {
                    if (!c.AllowedByPolicy || units[c.Place] <= 0 || forGroup?.Contains(c.Place) == false) continue;
                    _place.Add(c.Place);
                    _cost.Add(AllocationValue.DistanceUnits(c.DistanceKm));
                }
                // The candidates come nearest first: remember that order while the edges are put in order of place.
                var (byPlace, nearness) = inPlaceOrder.Of(_place, instance.Requests[r].CareType);
                var costs = new long[byPlace.Length];
                var byCost = new int[byPlace.Length];
                for (var i = 0; i < byPlace.Length; i++)
                {
                    costs[i] = _cost[nearness[i]];
                    byCost[nearness[i]] = i;
                }
                edges.Place[r] = byPlace;
                edges.Cost[r] = costs;
                edges.ByCost[r] = byCost;
            }
        }
    }

    private sealed class UnionFind
    {
        private readonly int[] _parent;

        public UnionFind(int size)
        {
            _parent = new int[size];
            for (var i = 0; i < size; i++) _parent[i] = i;
        }

        public int Find(int x)
        {
            while (_parent[x] != x)
            {
                _parent[x] = _parent[_parent[x]];
                x = _parent[x];
            }
            return x;
        }

        public void Union(int a, int b)
        {
            var ra = Find(a);
            var rb = Find(b);
            if (ra != rb) _parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
    }
}

/// <summary>
/// Sibling groups of two or more children, and for each the places that could take the whole group:
/// usable by every member (rules and policy) and with at least as many free units as the group has children.
/// </summary>
internal sealed class SiblingGroups
{
    public required int[] GroupOf { get; init; }
    public required int[][] Members { get; init; }
    public required HashSet<int>[] PlacesForGroup { get; init; }

    public static SiblingGroups Find(MatchingInstance instance, Candidate[][] candidates)
    {
        var groupOf = new int[instance.Requests.Count];
        Array.Fill(groupOf, -1);
        var byName = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (var r = 0; r < instance.Requests.Count; r++)
        {
            if (instance.Requests[r].SiblingGroup is not { } name) continue;
            if (!byName.TryGetValue(name, out var list))
            {
                byName[name] = list = [];
                order.Add(name);
            }
            list.Add(r);
        }
        var members = order.Select(name => byName[name]).Where(list => list.Count > 1).Select(list => list.ToArray()).ToArray();
        var placesForGroup = new HashSet<int>[members.Length];
        for (var g = 0; g < members.Length; g++)
        {
            HashSet<int>? common = null;
            foreach (var r in members[g])
            {
                groupOf[r] = g;
                var usable = candidates[r].Where(c => c.AllowedByPolicy && instance.Places[c.Place].Units >= members[g].Length).Select(c => c.Place);
                if (common is null) common = [.. usable];
                else common.IntersectWith(usable);
            }
            placesForGroup[g] = common ?? [];
        }
        return new SiblingGroups { GroupOf = groupOf, Members = members, PlacesForGroup = placesForGroup };
    }
}
