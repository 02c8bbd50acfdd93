namespace Matchmaker.Matching.Allocation;

internal sealed partial class RepairableFlow
{
    /// <summary>
    /// One step of the backward half, Dijkstra on the reversed residual graph: the nearest node to the end out of its heap,
    /// whose arcs in it relaxes. The scratch's backward distances are to the end, its parents point along the path.
    /// </summary>
    private void StepBackward(ref BackwardStep search)
    {
        search.Heap.TryPop(out var v, out var key);
        search.Work++;
        if (search.Done[v] == search.Round || key != search.Distance[v]) return;
        search.Done[v] = search.Round;
        _scratch.Backward.Popped.Add(v);
        search.To = v;
        search.ToBase = key - _potential[v];
        ForEachArcInto(v, ref search);
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
            _scratch.Work += childSpan.Length;
            for (var i = 0; i < childSpan.Length; i++)
            {
                var r = childSpan[i];
                if (Free(r) && _placeOf[r] != place && Allowed(r, place)) visit.Arc(r, _problem.EdgeCost[r][edgeSpan[i]]);
            }
            if (_toSink[place] > 0) visit.Arc(_sink, 0);
        }
        else if (v == _source)
        {
            _scratch.Work += _n;
            for (var r = 0; r < _n; r++)
                if (Free(r) && _chosen[r]) visit.Arc(r, _weight[r]);
            if (_notPlaced > 0) visit.Arc(_sink, 0);
        }
        else
        {
            _scratch.Work += _toSink.Length;
            for (var place = 0; place < _toSink.Length; place++)
                if (_toSink[place] < _capacity[place]) visit.Arc(_n + place, 0);
            visit.Arc(_source, 0);
        }
    }

    private struct BackwardStep : IArcVisitor
    {
        public RepairableFlow Flow;
        public RepairScratch Scratch;
        public Int128[] Distance;
        public int[] Parent;
        public int[] Reached;
        public int[] Done;
        public NodeHeap<Int128> Heap;
        public int Round;
        public int To;
        /// <summary>The distance from <see cref="To"/> to the end, less its potential: an arc's tail is that plus the arc's cost plus the tail's potential away.</summary>
        public Int128 ToBase;
        /// <summary>Nodes popped and arcs read: the two halves take turns by it.</summary>
        public long Work;

        /// <param name="from">the arc's tail (it runs from there into <see cref="To"/>)</param>
        public void Arc(int from, Int128 cost)
        {
            Work++;
            if (Done[from] == Round) return;
            var candidate = ToBase + cost + Flow._potential[from];
            if (candidate >= Scratch.Beyond || (Reached[from] == Round && Distance[from] <= candidate)) return;
            Reached[from] = Round;
            Distance[from] = candidate;
            Parent[from] = To;
            Heap.Push(from, candidate);
            if (Scratch.Forward.Reached[from] == Round) Scratch.Meet(from, Scratch.Forward.Distance[from] + candidate);
        }
    }
}
