namespace Matchmaker.Matching.Allocation;

internal sealed partial class RepairableFlow
{
    /// <summary>
    /// Dijkstra on the reversed residual graph, from every node short of a unit to the nearest with a unit over: the same
    /// shortest path as <see cref="SearchForward"/> finds, read from its end: the node with a unit over it reached, or -1
    /// once the search passes <paramref name="cutAt"/>. The scratch's distances are to the end, its parents point along the path.
    /// </summary>
    private int SearchBackward(int round, Int128? cutAt)
    {
        var nodes = _sink + 1;
        var scratch = _scratch;
        var search = new BackwardStep
        {
            Flow = this,
            Distance = scratch.Distance,
            Parent = scratch.Parent,
            Reached = scratch.Reached,
            Done = scratch.Done,
            Heap = scratch.Heap,
            Round = round,
            Beyond = cutAt ?? Int128.MaxValue,
        };
        scratch.Start(round, _imbalance, over: false);
        while (search.Heap.TryPop(out var entry, out var key))
        {
            if (key >= cutAt) return -1;
            var u = entry < nodes ? entry : entry - nodes;
            if (search.Done[u] == round || key != search.Distance[u]) continue;
            search.Done[u] = round;
            scratch.Popped.Add(u);
            if (_imbalance[u] > 0) return u;
            search.To = u;
            search.ToBase = key - _potential[u];
            ForEachArcInto(u, ref search);
        }
        return cutAt is null ? throw new InvalidOperationException("No node with a unit over reaches one short of a unit: the flow cannot be balanced.") : -1;
    }

    /// <summary>Calls <paramref name="visit"/> with every residual arc into <paramref name="v"/> (its tail) and its cost: <see cref="ForEachArc"/> read from the other end.</summary>
    private void ForEachArcInto<TVisitor>(int v, ref TVisitor visit) where TVisitor : struct, IArcVisitor
    {
        if (v < _n)
        {
            if (!Free(v)) return;
            if (_placeOf[v] >= 0) visit.Arc(_n + _placeOf[v], -_costAtPlace[v]);
            if (!_chosen[v]) visit.Arc(_source, -_weight[v]);
        }
        else if (v < _source)
        {
            var place = v - _n;
            var (children, edges) = _edgesIntoPlaces.Of(place);
            var childSpan = children.Span;
            var edgeSpan = edges.Span;
            for (var i = 0; i < childSpan.Length; i++)
            {
                var r = childSpan[i];
                if (Free(r) && _placeOf[r] != place && Allowed(r, place)) visit.Arc(r, _problem.EdgeCost[r][edgeSpan[i]]);
            }
            if (_toSink[place] > 0) visit.Arc(_sink, 0);
        }
        else if (v == _source)
        {
            for (var r = 0; r < _n; r++)
                if (Free(r) && _chosen[r]) visit.Arc(r, _weight[r]);
            if (_notPlaced > 0) visit.Arc(_sink, 0);
        }
        else
        {
            for (var place = 0; place < _toSink.Length; place++)
                if (_toSink[place] < _capacity[place]) visit.Arc(_n + place, 0);
            visit.Arc(_source, 0);
        }
    }

    private struct BackwardStep : IArcVisitor
    {
        public RepairableFlow Flow;
        public Int128[] Distance;
        public int[] Parent;
        public int[] Reached;
        public int[] Done;
        public NodeHeap<Int128> Heap;
        public int Round;
        public int To;
        /// <summary>The distance from <see cref="To"/> to the end, less its potential: an arc's tail is that plus the arc's cost plus the tail's potential away.</summary>
        public Int128 ToBase;
        /// <summary>No node this far or farther is popped before the search ends (it has reached a node with a unit over as near, or the cut).</summary>
        public Int128 Beyond;

        /// <param name="from">the arc's tail (it runs from there into <see cref="To"/>)</param>
        public void Arc(int from, Int128 cost)
        {
            if (Done[from] == Round) return;
            var candidate = ToBase + cost + Flow._potential[from];
            if (candidate >= Beyond || (Reached[from] == Round && Distance[from] <= candidate)) return;
            Reached[from] = Round;
            Distance[from] = candidate;
            Parent[from] = To;
            // Among nodes as near, one with a unit over comes out of the heap first: the search ends there, no further.
            var endsSearch = Flow._imbalance[from] > 0;
            if (endsSearch) Beyond = candidate;
            Heap.Push(endsSearch ? from : from + Distance.Length, candidate);
        }
    }
}
