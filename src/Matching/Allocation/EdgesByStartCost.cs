namespace Matchmaker.Matching.Allocation;

/// <summary>
/// Each child's edges in the order of their reduced cost when a search tree's flow started, for the repairs' searches to
/// read cheapest first. Potentials only fall (a search lowers them; a branch starts from its parent's), so an edge's
/// reduced cost now is at least its cost less the place's potential at the start, plus the child's potential now (the
/// flow's stored potential less its shift, see RepairableFlow):
/// an edge whose bound lies beyond where the search ends is never read. One per search tree, shared by its flows and
/// worked out for a child the first time a search reaches it.
/// </summary>
internal sealed class EdgesByStartCost(ComponentProblem problem, Int128[] startPotential, int requestCount)
{
    private readonly int[]?[] _order = new int[]?[requestCount];
    private readonly Int128[]?[] _bound = new Int128[]?[requestCount];

    /// <summary>The child's edge indices from the cheapest at the start, and for each, its cost less the place's potential then.</summary>
    public (int[] Order, Int128[] Bound) Of(int r)
    {
        if (_order[r] is { } order) return (order, _bound[r]!);
        var places = problem.EdgePlace[r];
        var costs = problem.EdgeCost[r];
        order = new int[places.Length];
        var bound = new Int128[places.Length];
        for (var i = 0; i < places.Length; i++)
        {
            order[i] = i;
            bound[i] = costs[i] - startPotential[requestCount + places[i]];
        }
        Array.Sort(bound, order);
        _order[r] = order;
        _bound[r] = bound;
        return (order, bound);
    }
}
