namespace Matchmaker.Matching.Allocation;

/// <summary>
/// The exact core of the matcher, without sibling groups. Requests are taken in tiers of equal
/// (priority, waiting days), best tier first. For each tier it adds as many of its requests as can be
/// added, each along a shortest augmenting path (successive shortest paths with Dijkstra on reduced
/// costs, cost = distance). Because the children that can be placed together form a transversal
/// matroid, taking tiers in order maximises levels 1-4 (each tier's count is its rank increment, whatever
/// was chosen before); because every augmentation is a shortest path from the tier's own node, and a
/// path may pass through an earlier tier's node (swapping one of its children for another of the same
/// tier), the total distance is minimal among all allocations with those counts (level 5).
/// A search that finds no path has reached every node it can reach: none of them reaches a free unit, and no later
/// path can change them (a path through one of them would have to end at a free unit), so they are left out of every
/// later search. Without that, every child that cannot be placed would search its whole part of the market again.
/// </summary>
internal sealed class TieredMinCostFlow
{
    private readonly int _requests;
    private readonly int _places;
    private readonly int _tierCount;
    private readonly int _sink;
    private readonly int[][] _edgePlace;
    private readonly long[][] _edgeCost;
    /// <summary>Per request, its edges' indices from the cheapest to the dearest.</summary>
    private readonly int[][] _edgeByCost;
    /// <summary>Per request popped in this search, the first of its edges (in order of cost) not yet relaxed.</summary>
    private readonly int[] _nextEdge;
    private readonly int[] _capacity;
    private readonly int[][] _tierMembers;
    private readonly int[] _tierOf;

    private readonly int[] _placeOf;
    /// <summary>Per request, the cost of the edge to its current place (read whenever a search passes through that place).</summary>
    private readonly long[] _costAtPlace;
    private readonly bool[] _chosen;
    private readonly List<int>[] _occupants;
    private readonly long[] _potential;
    private readonly long[] _dist;
    private readonly int[] _parent;
    private readonly int[] _visitStamp;
    private readonly int[] _doneStamp;
    /// <summary>Nodes a failed search reached: no path through them reaches a free unit, now or later.</summary>
    private readonly bool[] _dead;
    private int _stamp;

    // Reused by every augmentation: a solve makes one augmentation per child placed.
    private readonly NodeHeap<long> _queue;
    private readonly List<int> _popped = [];
    private readonly List<int> _path = [];

    /// <param name="edgePlace">per request, the places it may use (ascending place index)</param>
    /// <param name="edgeCost">per request, the cost (scaled distance, non-negative) of each of those places</param>
    /// <param name="edgeByCost">per request, the indices of its edges from the cheapest to the dearest</param>
    /// <param name="capacity">free units per place</param>
    /// <param name="tierMembers">the tiers, best first; each lists its requests in a fixed order. Requests in no tier take no part.</param>
    public TieredMinCostFlow(int[][] edgePlace, long[][] edgeCost, int[][] edgeByCost, int[] capacity, int[][] tierMembers)
    {
        _edgeByCost = edgeByCost;
        _nextEdge = new int[edgePlace.Length];
        _requests = edgePlace.Length;
        _places = capacity.Length;
        _tierCount = tierMembers.Length;
        _edgePlace = edgePlace;
        _edgeCost = edgeCost;
        _capacity = capacity;
        _tierMembers = tierMembers;
        _tierOf = new int[_requests];
        Array.Fill(_tierOf, -1);
        for (var t = 0; t < tierMembers.Length; t++)
            foreach (var r in tierMembers[t]) _tierOf[r] = t;

        var nodes = _requests + _places + _tierCount + 1;
        _sink = nodes - 1;
        _placeOf = new int[_requests];
        Array.Fill(_placeOf, -1);
        _costAtPlace = new long[_requests];
        _queue = new NodeHeap<long>(nodes);
        _chosen = new bool[_requests];
        _occupants = new List<int>[_places];
        for (var p = 0; p < _places; p++) _occupants[p] = [];
        _potential = new long[nodes];
        _dist = new long[nodes];
        _parent = new int[nodes];
        _visitStamp = new int[nodes];
        _doneStamp = new int[nodes];
        _dead = new bool[nodes];
    }

    /// <summary>Runs all tiers; returns the place index per request, or -1.</summary>
    public int[] Solve()
    {
        for (var t = 0; t < _tierCount; t++)
        {
            var remaining = _tierMembers[t].Length;
            while (remaining > 0 && Augment(TierNode(t)))
                remaining--;
        }
        return (int[])_placeOf.Clone();
    }

    private int PlaceNode(int p) => _requests + p;
    private int TierNode(int t) => _requests + _places + t;

    private bool Augment(int source)
    {
        _stamp++;
        var queue = _queue;
        var popped = _popped;
        queue.Clear();
        popped.Clear();
        SetDist(source, 0, -1);
        queue.Push(source, 0);
        var reached = false;
        var nodes = _sink + 1;
        while (queue.TryPop(out var u, out var key))
        {
            if (u >= nodes)
            {
                RelaxEdges(u - nodes, key, queue);
                continue;
            }
            if (_doneStamp[u] == _stamp || key != _dist[u]) continue;
            _doneStamp[u] = _stamp;
            popped.Add(u);
            if (u == _sink)
            {
                reached = true;
                break;
            }
            Relax(u, queue);
        }
        if (!reached)
        {
            foreach (var v in popped) _dead[v] = true;
            return false;
        }

        var total = _dist[_sink];
        foreach (var v in popped)
            _potential[v] += _dist[v] - total;
        ApplyPath(source);
        return true;
    }

    private void Relax(int u, NodeHeap<long> queue)
    {
        var du = _dist[u];
        if (u < _requests)
        {
            var r = u;
            _nextEdge[r] = 0;
            RelaxEdges(r, du, queue);
            if (_chosen[r])
            {
                // Un-choose this child so another child of the same tier can take its turn.
                var tier = TierNode(_tierOf[r]);
                TryImprove(tier, du + _potential[u] - _potential[tier], u, queue);
            }
        }
        else if (u < _requests + _places)
        {
            var p = u - _requests;
            foreach (var r in _occupants[p])
                TryImprove(r, du - _costAtPlace[r] + _potential[u] - _potential[r], u, queue);
            if (_occupants[p].Count < _capacity[p])
                TryImprove(_sink, du + _potential[u] - _potential[_sink], u, queue);
        }
        else if (u != _sink)
        {
            var t = u - _requests - _places;
            foreach (var r in _tierMembers[t])
                if (!_chosen[r])
                    TryImprove(r, du + _potential[u] - _potential[r], u, queue);
        }
    }

    /// <summary>
    /// Relaxes the request's edges, cheapest first, as far as they can reach within <paramref name="key"/>, and leaves the rest
    /// in the heap as one entry (the request's index after every node's) keyed by what the next edge can reach at best.
    /// A place's potential never rises above 0 (it starts there and a search only lowers it), so an edge's reduced cost
    /// is at least its cost plus the request's potential; the edges of a dear place far away are then often never read,
    /// because the search reaches the sink first.
    /// </summary>
    private void RelaxEdges(int r, long key, NodeHeap<long> queue)
    {
        var from = _dist[r] + _potential[r];
        var places = _edgePlace[r];
        var costs = _edgeCost[r];
        var order = _edgeByCost[r];
        var current = _placeOf[r];
        var potential = _potential;
        var i = _nextEdge[r];
        for (; i < order.Length; i++)
        {
            var e = order[i];
            if (from + costs[e] > key)
            {
                queue.Push(_sink + 1 + r, from + costs[e]);
                break;
            }
            if (places[e] == current) continue;
            var v = _requests + places[e];
            TryImprove(v, from + costs[e] - potential[v], r, queue);
        }
        _nextEdge[r] = i;
    }

    private void TryImprove(int v, long candidate, int from, NodeHeap<long> queue)
    {
        if (_doneStamp[v] == _stamp || _dead[v]) return;
        if (_visitStamp[v] == _stamp && _dist[v] <= candidate) return;
        SetDist(v, candidate, from);
        queue.Push(v, candidate);
    }

    private void SetDist(int v, long value, int from)
    {
        _visitStamp[v] = _stamp;
        _dist[v] = value;
        _parent[v] = from;
    }

    private void ApplyPath(int source)
    {
        var path = _path;
        path.Clear();
        for (var v = _sink; v != -1; v = _parent[v])
        {
            path.Add(v);
            if (v == source) break;
        }
        path.Reverse();
        for (var i = 0; i + 1 < path.Count; i++)
        {
            int u = path[i], v = path[i + 1];
            var uIsRequest = u < _requests;
            var vIsRequest = v < _requests;
            var uIsPlace = !uIsRequest && u < _requests + _places;
            if (!uIsRequest && !uIsPlace && vIsRequest)
            {
                _chosen[v] = true;
            }
            else if (uIsRequest && v != _sink && v < _requests + _places)
            {
                var p = v - _requests;
                _placeOf[u] = p;
                _costAtPlace[u] = CostOf(u, p);
                _occupants[p].Add(u);
            }
            else if (uIsPlace && vIsRequest)
            {
                _occupants[u - _requests].Remove(v);
                _placeOf[v] = -1;
            }
            else if (uIsRequest)
            {
                _chosen[u] = false;
            }
        }
    }

    private long CostOf(int r, int p)
    {
        var index = Array.BinarySearch(_edgePlace[r], p);
        return _edgeCost[r][index];
    }
}
