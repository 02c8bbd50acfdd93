namespace Matchmaker.Matching.Allocation;

/// <summary>One independent part of the market in local indices.</summary>
internal sealed class ComponentProblem
{
    public required int[] Priority { get; init; }
    public required int[] WaitingDays { get; init; }
    /// <summary>Per request: usable local places, ascending, and their distance costs.</summary>
    public required int[][] EdgePlace { get; init; }
    public required long[][] EdgeCost { get; init; }
    /// <summary>Per request, the indices of its edges from the cheapest to the dearest.</summary>
    public required int[][] EdgeByCost { get; init; }
    public required int[] Capacity { get; init; }
    /// <summary>Sibling groups (local request indices), best-ranked group first.</summary>
    public required int[][] Groups { get; init; }
    public required int[] GroupOf { get; init; }
    /// <summary>Requests in ranking order: priority, then longest waiting, then input order.</summary>
    public required int[] RankOrder { get; init; }

    public int RequestCount => Priority.Length;

    public static ComponentProblem Build(
        MatchingInstance instance, List<int> requests, List<int> places, Allocator.Edges edges, int[] localPlace, SiblingGroups groups)
    {
        var localRequest = new Dictionary<int, int>();
        for (var i = 0; i < requests.Count; i++) localRequest[requests[i]] = i;

        var edgePlace = new int[requests.Count][];
        var edgeCost = new long[requests.Count][];
        for (var i = 0; i < requests.Count; i++)
        {
            // The part's places are in ascending order, so their local indices keep the edges in order. Each request is in
            // one part, and nothing reads its edges in the market's indices after this: they are turned into the part's here.
            var own = edges.Place[requests[i]];
            for (var e = 0; e < own.Length; e++) own[e] = localPlace[own[e]];
            edgePlace[i] = own;
            edgeCost[i] = edges.Cost[requests[i]];
        }
        var rankOrder = Enumerable.Range(0, requests.Count)
            .OrderBy(i => instance.Requests[requests[i]].Priority)
            .ThenByDescending(i => instance.Requests[requests[i]].WaitingDays)
            .ThenBy(i => requests[i])
            .ToArray();
        var groupOf = new int[requests.Count];
        Array.Fill(groupOf, -1);
        var rank = new int[requests.Count];
        for (var i = 0; i < rankOrder.Length; i++) rank[rankOrder[i]] = i;
        var localGroups = groups.Members
            .Where(members => localRequest.ContainsKey(members[0]))
            .Select(members => members.Select(r => localRequest[r]).ToArray())
            .OrderBy(members => members.Min(m => rank[m]))
            .ToArray();
        for (var g = 0; g < localGroups.Length; g++)
            foreach (var r in localGroups[g]) groupOf[r] = g;

        return new ComponentProblem
        {
            Priority = requests.Select(r => instance.Requests[r].Priority).ToArray(),
            WaitingDays = requests.Select(r => instance.Requests[r].WaitingDays).ToArray(),
            EdgePlace = edgePlace,
            EdgeCost = edgeCost,
            EdgeByCost = requests.Select(r => edges.ByCost[r]).ToArray(),
            Capacity = places.Select(p => instance.Places[p].Units).ToArray(),
            Groups = localGroups,
            GroupOf = groupOf,
            RankOrder = rankOrder,
        };
    }

    public long CostOf(int request, int place) => EdgeCost[request][Array.BinarySearch(EdgePlace[request], place)];

    public AllocationValue ValueOf(int request, int place) => AllocationValue.Of(Priority[request], WaitingDays[request], CostOf(request, place));
}

/// <summary>
/// Exact allocation of one part. Without sibling groups one min-cost flow (<see cref="TieredMinCostFlow"/>)
/// is optimal. Sibling groups (all together at one place, or none) are handled by branch and bound: the
/// flow in which siblings may be split is an upper bound; a group it splits is branched on: one branch per place
/// where the flow put one of its members (the whole group there), and one branch where the group may use none of
/// those places (it goes elsewhere, or is not placed). These branches split the allocations without overlap and
/// leave none out; a branch whose bound is not better than the best allocation found is cut, so the result is
/// optimal on every instance. Branching on the flow's own places rather than on every place that could take the
/// group keeps the tree small: the last branch's bound usually falls below the best found and is cut at once.
/// Two choices keep it smaller still, and neither can change the value found (any group and any order of branches
/// searches the same allocations): a node solves all its branches first and searches the one with the best bound first,
/// so the best allocation is found early; and it branches on the split group whose split cost most where it was last
/// branched on (the fall from the node's bound to its best branch), so the bounds of every deeper node fall early and
/// fewer alternatives of the groups whose split costs little stay above the best found. Branching in ranking order
/// instead, the country family's worst seeds took 1,149 and 1,584 branches; now 465 and 359.
/// A branch's repair is told what it must beat (the best allocation found, less its fixed groups) and stops as soon as
/// its dual bound shows it cannot (<see cref="RepairableFlow"/>): most branches are cut that way, before their repair has
/// read the whole part. Such a branch is left out, as it would have been cut on entry.
/// </summary>
internal sealed class ComponentSearch(ComponentProblem problem, bool warmStart = true, bool inRankingOrder = false, SearchLimit? limit = null)
{
    public const int Free = -2;
    private const int NotPlaced = -1;

    private AllocationValue? _best;
    private int[]? _bestPlaceOf;
    /// <summary>The best allocation's value in the flows' scale (null without flows or before one is found): what a branch must beat.</summary>
    private Int128? _bestScaled;
    private RepairableFlow? _rootFlow;
    /// <summary>Per group, what its split cost where it was last branched on (null: not branched on yet).</summary>
    private AllocationValue?[] _costOfSplit = [];
    /// <summary>The best bound among the branches left unsearched once the limit was reached (null: none left).</summary>
    private AllocationValue? _unsearched;
    /// <summary>Flows of nodes whose branches are made, or that were cut: the next branches are copied into their arrays.</summary>
    private readonly Stack<RepairableFlow> _spare = new();

    /// <summary>How many branches had their relaxation solved (warm or afresh): the size of the search.</summary>
    public int BranchesSolved { get; private set; }

    public int[] Run()
    {
        var capacity = (int[])problem.Capacity.Clone();
        var fixedPlace = new int[problem.RequestCount];
        Array.Fill(fixedPlace, Free);
        var excluded = new int[problem.Groups.Length][];
        var placeOf = SolveRelaxation(capacity, fixedPlace, excluded);
        // Most parts split no sibling group: then the relaxation is the answer, and no branch needs a warm start.
        if (FirstSplitGroup(placeOf, fixedPlace) < 0) return placeOf;
        var flow = warmStart ? RepairableFlow.Start(problem, capacity, fixedPlace, excluded, placeOf) : null;
        _rootFlow = flow;
        _costOfSplit = new AllocationValue?[problem.Groups.Length];
        Search(new Node(capacity, fixedPlace, excluded, default, Int128.Zero, placeOf, flow));
        if (_unsearched is { } open && _best is { } found && open.CompareTo(found) > 0) limit!.LeftOpen(found, open);
        return _bestPlaceOf ?? Enumerable.Repeat(NotPlaced, problem.RequestCount).ToArray();
    }

    /// <param name="Excluded">per group, the places it may no longer use (null: none)</param>
    /// <param name="PlaceOf">the node's relaxation: the place of every request not fixed</param>
    /// <param name="FixedScaled">the fixed groups' value in the flows' scale (0 without flows)</param>
    /// <param name="Flow">that relaxation as a flow its branches start from (null: they solve afresh)</param>
    private sealed record Node(
        int[] Capacity, int[] FixedPlace, int[]?[] Excluded, AllocationValue FixedValue, Int128 FixedScaled, int[] PlaceOf, RepairableFlow? Flow);

    private void Search(Node node)
    {
        var (_, fixedPlace, _, _, _, placeOf, _) = node;
        var value = BoundOf(node);
        if (_best is { } best && value.CompareTo(best) <= 0)
        {
            Spare(node.Flow);
            return;
        }

        var split = FirstSplitGroup(placeOf, fixedPlace);
        if (split < 0)
        {
            _best = value;
            _bestPlaceOf = new int[placeOf.Length];
            for (var r = 0; r < placeOf.Length; r++)
                _bestPlaceOf[r] = fixedPlace[r] == Free ? placeOf[r] : fixedPlace[r];
            _bestScaled = ScaledValueOf(_bestPlaceOf);
            Spare(node.Flow);
            return;
        }

        var places = BranchPlaces(node, split);
        // A branch whose repair showed it cannot beat the best found is null: it would be cut on entry anyway.
        var branches = places.Select(place => FixedAt(node, split, place)).Append(Elsewhere(node, split, places))
            .Select((branch, order) => (Branch: branch, Order: order))
            .Where(b => b.Branch is not null)
            .Select(b => (Branch: b.Branch!, Bound: BoundOf(b.Branch!), b.Order))
            .OrderByDescending(b => inRankingOrder ? default : b.Bound).ThenBy(b => b.Order)
            .ToArray();
        // The branches have their own flows now; this node's is only copied from, and no more.
        Spare(node.Flow);
        if (!inRankingOrder && branches.Length > 0) _costOfSplit[split] = Fall(value, branches.Max(b => b.Bound));
        for (var i = 0; i < branches.Length; i++)
        {
            // An allocation found in an earlier branch may already match this node's bound: then no branch here can beat it.
            if (_best is { } found && value.CompareTo(found) <= 0)
            {
                for (var rest = i; rest < branches.Length; rest++) Spare(branches[rest].Branch.Flow);
                return;
            }
            // Past the limit a part only finishes its first dive: the branches left are kept as a bound on what they might hold.
            if (limit is { Reached: true } && _best is not null)
            {
                for (var rest = i; rest < branches.Length; rest++)
                {
                    Spare(branches[rest].Branch.Flow);
                    if (_unsearched is not { } open || branches[rest].Bound.CompareTo(open) > 0) _unsearched = branches[rest].Bound;
                }
                return;
            }
            Search(branches[i].Branch);
        }
    }

    /// <summary>A flow no node will read again (the root's stays: it values allocations).</summary>
    private void Spare(RepairableFlow? flow)
    {
        if (flow is not null && flow != _rootFlow) _spare.Push(flow);
    }

    /// <summary>The places of a split group's branches: where the node's relaxation put one of its members (and the whole group fits).</summary>
    private int[] BranchPlaces(Node node, int group)
    {
        var members = problem.Groups[group];
        var (capacity, placeOf) = (node.Capacity, node.PlaceOf);
        // Every member may use exactly the group's places (see SiblingGroups), so a member's place can take them all.
        return members.Select(m => placeOf[m])
            .Where(p => p >= 0 && capacity[p] >= members.Length)
            .Distinct()
            .OrderByDescending(p => members.Count(m => placeOf[m] == p))
            .ThenBy(p => members.Sum(m => problem.CostOf(m, p)))
            .ThenBy(p => p)
            .ToArray();
    }

    /// <summary>The branch with the whole group at <paramref name="place"/>, its relaxation solved; null when it was cut while solving.</summary>
    private Node? FixedAt(Node node, int group, int place)
    {
        var members = problem.Groups[group];
        var nextCapacity = (int[])node.Capacity.Clone();
        nextCapacity[place] -= members.Length;
        var nextFixed = (int[])node.FixedPlace.Clone();
        var nextValue = node.FixedValue;
        var nextScaled = node.FixedScaled;
        foreach (var m in members)
        {
            nextFixed[m] = place;
            nextValue += problem.ValueOf(m, place);
            if (node.Flow is { } flow) nextScaled += flow.ValueOf(m, place);
        }
        var (nextPlaceOf, nextFlow) = Relax(node.Flow, nextCapacity, nextFixed, node.Excluded, f => f.Fix(group, place, Beat(nextScaled)));
        return nextPlaceOf is null ? null : new Node(nextCapacity, nextFixed, node.Excluded, nextValue, nextScaled, nextPlaceOf, nextFlow);
    }

    /// <summary>
    /// The rest: the group at none of those places (there is at least one: a split group has a member placed, and the
    /// flow only places a sibling where the whole group fits). Once every place is excluded, the group is not placed.
    /// </summary>
    private Node? Elsewhere(Node node, int group, int[] places)
    {
        var nextExcluded = (int[]?[])node.Excluded.Clone();
        nextExcluded[group] = [.. node.Excluded[group] ?? [], .. places];
        var (restPlaceOf, restFlow) = Relax(node.Flow, node.Capacity, node.FixedPlace, nextExcluded, f => f.Exclude(group, Beat(node.FixedScaled)));
        return restPlaceOf is null ? null : new Node(node.Capacity, node.FixedPlace, nextExcluded, node.FixedValue, node.FixedScaled, restPlaceOf, restFlow);
    }

    /// <summary>What a branch's free children must be worth, beyond its fixed groups, to beat the best found (null: nothing to beat yet).</summary>
    private Int128? Beat(Int128 fixedScaled) => _bestScaled is { } best ? best - fixedScaled : null;

    /// <summary>An allocation's value in the flows' scale.</summary>
    private Int128? ScaledValueOf(int[] placeOf)
    {
        if (_rootFlow is not { } flow) return null;
        var value = Int128.Zero;
        for (var r = 0; r < placeOf.Length; r++)
            if (placeOf[r] >= 0) value += flow.ValueOf(r, placeOf[r]);
        return value;
    }

    /// <summary>The relaxation's value at a node (its bound): the fixed groups, and every other child where the relaxation put it.</summary>
    private AllocationValue BoundOf(Node node)
    {
        // The flow kept its value with every change; its places are the node's relaxation.
        if (node.Flow is { } flow) return node.FixedValue + flow.PlacedValue;
        var value = node.FixedValue;
        for (var r = 0; r < node.PlaceOf.Length; r++)
            if (node.FixedPlace[r] == Free && node.PlaceOf[r] >= 0)
                value += problem.ValueOf(r, node.PlaceOf[r]);
        return value;
    }

    /// <summary>How far a bound fell, level by level; the more it fell, the greater the result compares.</summary>
    private static AllocationValue Fall(AllocationValue from, AllocationValue to) => new(
        from.Priority1 - to.Priority1, from.Priority2 - to.Priority2, from.Priority3 - to.Priority3,
        from.WaitingDays - to.WaitingDays, from.Distance - to.Distance);

    /// <summary>
    /// A branch's relaxation: the parent's flow brought in line with the branch's arrays, or solved afresh without one.
    /// No relaxation (null) when the repair showed the branch cannot beat the best found.
    /// </summary>
    private (int[]? PlaceOf, RepairableFlow? Flow) Relax(
        RepairableFlow? parent, int[] capacity, int[] fixedPlace, int[]?[] excluded, Func<RepairableFlow, bool> repair)
    {
        BranchesSolved++;
        if (parent is null)
        {
            // Solved afresh (no flow to repair: the value does not fit 128 bits, or tests compare): a few passes over the part's edges.
            limit?.Spend(4L * (problem.RequestCount + problem.EdgePlace.Sum(e => (long)e.Length)));
            return (SolveRelaxation(capacity, fixedPlace, excluded), null);
        }
        var before = parent.WorkDone;
        var flow = parent.Branch(capacity, fixedPlace, excluded, _spare.TryPop(out var spare) ? spare : null);
        var repaired = repair(flow);
        limit?.Spend(flow.WorkDone - before);
        if (repaired) return (flow.PlaceOf, flow);
        Spare(flow);
        return (null, null);
    }

    private int[] SolveRelaxation(int[] capacity, int[] fixedPlace, int[]?[] excluded)
    {
        var n = problem.RequestCount;
        var edgePlace = new int[n][];
        var edgeCost = new long[n][];
        var edgeByCost = new int[n][];
        for (var r = 0; r < n; r++)
        {
            var group = problem.GroupOf[r];
            if (fixedPlace[r] != Free)
            {
                edgePlace[r] = [];
                edgeCost[r] = [];
                edgeByCost[r] = [];
            }
            else if (group >= 0)
            {
                // A sibling may only use a place that could still take the whole group.
                var size = problem.Groups[group].Length;
                var notHere = excluded[group];
                var keep = Enumerable.Range(0, problem.EdgePlace[r].Length)
                    .Where(i => capacity[problem.EdgePlace[r][i]] >= size && (notHere is null || Array.IndexOf(notHere, problem.EdgePlace[r][i]) < 0)).ToArray();
                edgePlace[r] = keep.Select(i => problem.EdgePlace[r][i]).ToArray();
                edgeCost[r] = keep.Select(i => problem.EdgeCost[r][i]).ToArray();
                var kept = new int[problem.EdgePlace[r].Length];
                Array.Fill(kept, -1);
                for (var k = 0; k < keep.Length; k++) kept[keep[k]] = k;
                edgeByCost[r] = problem.EdgeByCost[r].Where(i => kept[i] >= 0).Select(i => kept[i]).ToArray();
            }
            else
            {
                edgePlace[r] = problem.EdgePlace[r];
                edgeCost[r] = problem.EdgeCost[r];
                edgeByCost[r] = problem.EdgeByCost[r];
            }
        }

        var tiers = new List<int[]>();
        var current = new List<int>();
        var previous = -1;
        foreach (var r in problem.RankOrder)
        {
            if (fixedPlace[r] != Free || edgePlace[r].Length == 0) continue;
            if (previous >= 0 && (problem.Priority[r] != problem.Priority[previous] || problem.WaitingDays[r] != problem.WaitingDays[previous]))
            {
                tiers.Add([.. current]);
                current.Clear();
            }
            current.Add(r);
            previous = r;
        }
        if (current.Count > 0) tiers.Add([.. current]);
        return new TieredMinCostFlow(edgePlace, edgeCost, edgeByCost, capacity, [.. tiers]).Solve();
    }

    /// <summary>
    /// The split group to branch on, or -1 when none is split: the one whose split cost most where it was last branched on;
    /// groups not branched on yet after those, in ranking order (so at the root: the best-ranked split group).
    /// </summary>
    private int FirstSplitGroup(int[] placeOf, int[] fixedPlace)
    {
        var chosen = -1;
        for (var g = 0; g < problem.Groups.Length; g++)
        {
            var members = problem.Groups[g];
            if (fixedPlace[members[0]] != Free) continue;
            var first = placeOf[members[0]];
            if (members.All(m => placeOf[m] == first)) continue;
            if (chosen < 0 || CostsMore(g, chosen)) chosen = g;
        }
        return chosen;
    }

    private bool CostsMore(int group, int than) =>
        _costOfSplit.Length > 0 && _costOfSplit[group] is { } cost && (_costOfSplit[than] is not { } other || cost.CompareTo(other) > 0);
}
