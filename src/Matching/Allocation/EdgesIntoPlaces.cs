namespace Matchmaker.Matching.Allocation;

/// <summary>
/// Per place, the children with an edge to it and that edge's index among the child's: the arcs into a place, for the
/// repairs' backward halves. One per search tree, shared by its flows, worked out the first time one is asked.
/// </summary>
internal sealed class EdgesIntoPlaces(ComponentProblem problem, int placeCount)
{
    private int[]? _start;
    private int[] _child = [];
    private int[] _edge = [];

    /// <summary>The children with an edge to the place, and the index of that edge in each child's edges.</summary>
    public (ReadOnlyMemory<int> Children, ReadOnlyMemory<int> Edges) Of(int place)
    {
        var start = _start ?? Build();
        var length = start[place + 1] - start[place];
        return (_child.AsMemory(start[place], length), _edge.AsMemory(start[place], length));
    }

    private int[] Build()
    {
        var start = new int[placeCount + 1];
        var edgePlace = problem.EdgePlace;
        for (var r = 0; r < edgePlace.Length; r++)
            foreach (var p in edgePlace[r]) start[p + 1]++;
        for (var p = 0; p < placeCount; p++) start[p + 1] += start[p];
        var next = (int[])start.Clone();
        _child = new int[start[placeCount]];
        _edge = new int[start[placeCount]];
        for (var r = 0; r < edgePlace.Length; r++)
            for (var e = 0; e < edgePlace[r].Length; e++)
            {
                var at = next[edgePlace[r][e]]++;
                _child[at] = r;
                _edge[at] = e;
            }
        _start = start;
        return start;
    }
}
