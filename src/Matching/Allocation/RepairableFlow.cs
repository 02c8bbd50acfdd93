namespace Matchmaker.Matching.Allocation;

/// <summary>
/// The relaxation of one part (siblings may be split) as a min-cost flow that can be restricted and re-optimised from
/// where it stood: the warm start of <see cref="ComponentSearch"/>'s branches. A branch changes little (one group fixed
/// at one place, or kept from a few places), so instead of solving the whole part again it removes the flow the
/// restriction forbids and sends the few units left over along shortest paths (successive shortest paths on a
/// pseudo-flow): exact, because every step keeps the reduced costs of the residual graph non-negative.
///
/// The five levels of the value become one cost (<see cref="ValueWeights"/>): a child placed earns its class and waiting
/// days, scaled so that no amount of a lower level outweighs one unit of a higher one, and pays its distance.
/// Nodes: requests 0..n-1, places n..n+m-1, the source S (one unit per child) and the sink T; S→T carries the children
/// not placed. The starting flow is the tiered flow's optimum; its potentials come from one shortest-path pass.
/// </summary>
internal sealed partial class RepairableFlow
{
    private readonly ComponentProblem _problem;
    private readonly Int128[] _weight;
    private readonly int _n;
    private readonly int _source;
    private readonly int _sink;

    // The search node's own arrays (the flow reads them, the node's branch writes them): what is fixed, units, exclusions.
    private int[] _fixedPlace;
    private int[] _capacity;
    private int[]?[] _excluded;

    private bool[] _chosen;
    private int[] _placeOf;
    private long[] _costAtPlace;
    private int[] _firstOccupant;
    private int[] _nextOccupant;
    private int[] _previousOccupant;
    private int[] _toSink;
    private int _notPlaced;
    private Int128[] _potential;
    private int[] _imbalance;
    /// <summary>The searches' working arrays, shared by every flow of one search tree (its branches are repaired one at a time).</summary>
    private readonly RepairScratch _scratch;
    /// <summary>The children's edges cheapest first as the search tree started (shared, like the scratch); null before <see cref="Start"/> has the potentials.</summary>
    private EdgesByStartCost? _edgesByStartCost;
    /// <summary>The arcs into each place, for the searches' backward halves (shared, like the scratch).</summary>
    private readonly EdgesIntoPlaces _edgesIntoPlaces;
    /// <summary>The cost of the flow as it stands (balanced or not): minus the value of the free children's allocation, in the weights' scale.</summary>
    private Int128 _cost;
    /// <summary>The value of the free children's allocation as it stands, level by level: kept with every link, so a bound needs no pass over the part.</summary>
    private AllocationValue _placedValue;
    /// <summary>
    /// How much <see cref="_potential"/> stands above the potentials it means (those are <c>_potential − _shift</c>): a
    /// search lowers every node its backward half did not pop nearer than its radius by that radius, which is added here
    /// instead of taken from each of them. Reduced costs read differences of potentials, and the repair's bound reads
    /// them weighted by the units over and short, which add up to 0: neither sees the shift. The edges' start bounds do.
    /// </summary>
    private Int128 _shift;

    private RepairableFlow(ComponentProblem problem, Int128[] weight, int[] capacity, int[] fixedPlace, int[]?[] excluded)
    {
        _problem = problem;
        _weight = weight;
        _n = problem.RequestCount;
        var places = capacity.Length;
        _source = _n + places;
        _sink = _n + places + 1;
        _fixedPlace = fixedPlace;
        _capacity = capacity;
        _excluded = excluded;
        _chosen = new bool[_n];
        _placeOf = new int[_n];
        _costAtPlace = new long[_n];
        _firstOccupant = new int[places];
        _nextOccupant = new int[_n];
        _previousOccupant = new int[_n];
        _toSink = new int[places];
        _potential = new Int128[_sink + 1];
        _imbalance = new int[_sink + 1];
        _scratch = new RepairScratch(_sink + 1);
        _edgesIntoPlaces = new EdgesIntoPlaces(problem, places);
        Array.Fill(_placeOf, -1);
        Array.Fill(_firstOccupant, -1);
    }

    /// <summary>
    /// The flow of an optimal relaxation of the search node with these arrays (<paramref name="placeOf"/> per request;
    /// -1 for children not placed or fixed), with potentials that prove it optimal. Null when the value does not fit the
    /// 128-bit cost.
    /// </summary>
    public static RepairableFlow? Start(ComponentProblem problem, int[] capacity, int[] fixedPlace, int[]?[] excluded, int[] placeOf)
    {
        if (ValueWeights.Of(problem) is not { } weight) return null;
        var flow = new RepairableFlow(problem, weight, capacity, fixedPlace, excluded);
        for (var r = 0; r < flow._n; r++)
        {
            if (!flow.Free(r)) continue;
            if (placeOf[r] >= 0)
            {
                flow._chosen[r] = true;
                flow.Link(r, placeOf[r]);
                flow._cost += flow._costAtPlace[r] - weight[r];
                flow._toSink[placeOf[r]]++;
            }
            else flow._notPlaced++;
        }
        flow.FindPotentials();
        flow._edgesByStartCost = new EdgesByStartCost(problem, (Int128[])flow._potential.Clone(), flow._n);
        return flow;
    }

    /// <summary>
    /// A copy of this flow for a branch, on the branch node's arrays: they already say what the branch restricts, and
    /// <see cref="Fix"/> or <see cref="Exclude"/> then brings the flow in line with them. The copy goes into the arrays of
    /// <paramref name="spare"/> (a flow of the same search tree no longer needed) when there is one, instead of new ones:
    /// a part's arrays are large, and a search copies them for every branch.
    /// </summary>
    public RepairableFlow Branch(int[] capacity, int[] fixedPlace, int[]?[] excluded, RepairableFlow? spare = null)
    {
        _scratch.Work += _sink + 1;
        var copy = (RepairableFlow)MemberwiseClone();
        copy._capacity = capacity;
        copy._fixedPlace = fixedPlace;
        copy._excluded = excluded;
        copy._chosen = CopyOf(_chosen, spare?._chosen);
        copy._placeOf = CopyOf(_placeOf, spare?._placeOf);
        copy._costAtPlace = CopyOf(_costAtPlace, spare?._costAtPlace);
        copy._firstOccupant = CopyOf(_firstOccupant, spare?._firstOccupant);
        copy._nextOccupant = CopyOf(_nextOccupant, spare?._nextOccupant);
        copy._previousOccupant = CopyOf(_previousOccupant, spare?._previousOccupant);
        copy._toSink = CopyOf(_toSink, spare?._toSink);
        copy._potential = CopyOf(_potential, spare?._potential);
        copy._imbalance = CopyOf(_imbalance, spare?._imbalance);
        return copy;
    }

    private static T[] CopyOf<T>(T[] from, T[]? into)
    {
        if (into is null || into.Length != from.Length) return (T[])from.Clone();
        from.AsSpan().CopyTo(into);
        return into;
    }

    /// <summary>The work of every branch and repair of this flow's search tree so far: nodes copied, scanned and popped, arcs read.</summary>
    public long WorkDone => _scratch.Work;

    /// <summary>For tests: called on this thread with every flow a repair has balanced.</summary>
    [ThreadStatic] internal static Action<RepairableFlow>? Balanced;

    /// <summary>How many of the searches that repaired this flow and its ancestors lowered potentials on their forward half.</summary>
    internal int SearchesUpdatingForward { get; private set; }

    /// <summary>How many of them raised potentials on their backward half (relative to those it did not reach).</summary>
    internal int SearchesUpdatingBackward { get; private set; }

    /// <summary>Whether every residual arc has a non-negative reduced cost: what makes the repairs' shortest paths and early stops exact.</summary>
    internal bool PotentialsAreValid()
    {
        var check = new PotentialCheck { Flow = this, Valid = true };
        for (var u = 0; u <= _sink && check.Valid; u++)
        {
            check.From = u;
            ForEachArc(u, ref check);
        }
        return check.Valid;
    }

    /// <summary>Whether <see cref="PlacedValue"/> is the value of the places as they stand, summed afresh.</summary>
    internal bool PlacedValueIsExact()
    {
        var value = default(AllocationValue);
        for (var r = 0; r < _n; r++)
            if (_placeOf[r] >= 0) value += _problem.ValueOf(r, _placeOf[r]);
        return value == _placedValue;
    }

    private struct PotentialCheck : IArcVisitor
    {
        public RepairableFlow Flow;
        public int From;
        public bool Valid;

        public void Arc(int to, Int128 cost)
        {
            if (cost + Flow._potential[From] - Flow._potential[to] < 0) Valid = false;
        }
    }

    /// <summary>What placing the child at the place is worth in the weights' scale (the levels of <see cref="AllocationValue"/> as one number).</summary>
    public Int128 ValueOf(int r, int place) => _weight[r] - _problem.CostOf(r, place);

    /// <summary>The place of every request in the flow (-1: not placed, or fixed by a branch).</summary>
    public int[] PlaceOf => (int[])_placeOf.Clone();

    /// <summary>The value of <see cref="PlaceOf"/>: the free children where the flow puts them.</summary>
    public AllocationValue PlacedValue => _placedValue;

    /// <summary>
    /// The whole group went to <paramref name="place"/> (the node's arrays say so): its members leave the flow, the place has fewer units.
    /// False when the flow was shown not to be worth more than <paramref name="atMost"/> before it was balanced (see <see cref="Repair"/>).
    /// </summary>
    public bool Fix(int group, int place, Int128? atMost)
    {
        foreach (var r in _problem.Groups[group]) Remove(r);
        // Siblings of larger groups may no longer use a place that cannot take them all.
        for (var r = _firstOccupant[place]; r >= 0;)
        {
            var next = _nextOccupant[r];
            if (!Allowed(r, place)) Unplace(r);
            r = next;
        }
        if (_toSink[place] > _capacity[place])
        {
            var over = _toSink[place] - _capacity[place];
            _toSink[place] -= over;
            _imbalance[_n + place] += over;
            _imbalance[_sink] -= over;
        }
        return Repair(atMost);
    }

    /// <summary>The group may not use some places any more (the node's arrays say which). False as for <see cref="Fix"/>.</summary>
    public bool Exclude(int group, Int128? atMost)
    {
        foreach (var r in _problem.Groups[group])
            if (_placeOf[r] >= 0 && !Allowed(r, _placeOf[r]))
                Unplace(r);
        return Repair(atMost);
    }

    /// <summary>A child taken out of the flow: the branch fixed it.</summary>
    private void Remove(int r)
    {
        if (_placeOf[r] >= 0)
        {
            // Its unit at the place is still sent on to T: the place is short of one unit, T has one too many.
            var place = _placeOf[r];
            _cost += _weight[r] - _costAtPlace[r];
            Unlink(r);
            _imbalance[_n + place]--;
            _imbalance[_sink]++;
        }
        else _notPlaced--;
        _chosen[r] = false;
    }

    private bool Free(int r) => _fixedPlace[r] == ComponentSearch.Free;

    /// <summary>The flow on the child's arc to its place is taken away: the child has a unit too many, the place one too few.</summary>
    private void Unplace(int r)
    {
        var place = _placeOf[r];
        _cost -= _costAtPlace[r];
        Unlink(r);
        _imbalance[r]++;
        _imbalance[_n + place]--;
    }

    private bool Allowed(int r, int place)
    {
        var group = _problem.GroupOf[r];
        if (group < 0) return true;
        if (_capacity[place] < _problem.Groups[group].Length) return false;
        if (_excluded[group] is not { } notHere) return true;
        // Deep in a tree a group may be kept from many places: the limit counts reading them.
        _scratch.Work += notHere.Length;
        return Array.IndexOf(notHere, place) < 0;
    }

    private void Link(int r, int place)
    {
        _placeOf[r] = place;
        _costAtPlace[r] = _problem.CostOf(r, place);
        _placedValue += ValueAtItsPlace(r);
        _previousOccupant[r] = -1;
        _nextOccupant[r] = _firstOccupant[place];
        if (_firstOccupant[place] >= 0) _previousOccupant[_firstOccupant[place]] = r;
        _firstOccupant[place] = r;
    }

    /// <summary>The child's value where it is linked: <see cref="ComponentProblem.ValueOf"/> with the cost the link already looked up.</summary>
    private AllocationValue ValueAtItsPlace(int r) => AllocationValue.Of(_problem.Priority[r], _problem.WaitingDays[r], _costAtPlace[r]);

    private void Unlink(int r)
    {
        var place = _placeOf[r];
        _placedValue -= ValueAtItsPlace(r);
        if (_previousOccupant[r] >= 0) _nextOccupant[_previousOccupant[r]] = _nextOccupant[r];
        else _firstOccupant[place] = _nextOccupant[r];
        if (_nextOccupant[r] >= 0) _previousOccupant[_nextOccupant[r]] = _previousOccupant[r];
        _placeOf[r] = -1;
    }

    /// <summary>Calls <paramref name="visit"/> with every residual arc out of <paramref name="u"/> and its cost.</summary>
    private void ForEachArc<TVisitor>(int u, ref TVisitor visit) where TVisitor : struct, IArcVisitor
    {
        if (u < _n)
        {
            if (!Free(u)) return;
            var places = _problem.EdgePlace[u];
            var costs = _problem.EdgeCost[u];
            var current = _placeOf[u];
            for (var i = 0; i < places.Length; i++)
                if (places[i] != current && Allowed(u, places[i]))
                    visit.Arc(_n + places[i], costs[i]);
            if (_chosen[u]) visit.Arc(_source, _weight[u]);
        }
        else if (u < _source)
        {
            var place = u - _n;
            for (var r = _firstOccupant[place]; r >= 0; r = _nextOccupant[r])
                visit.Arc(r, -_costAtPlace[r]);
            if (_toSink[place] < _capacity[place]) visit.Arc(_sink, 0);
        }
        else if (u == _source)
        {
            _scratch.Work += _n;
            for (var r = 0; r < _n; r++)
                if (Free(r) && !_chosen[r]) visit.Arc(r, -_weight[r]);
            visit.Arc(_sink, 0);
        }
        else
        {
            _scratch.Work += _toSink.Length;
            for (var place = 0; place < _toSink.Length; place++)
                if (_toSink[place] > 0) visit.Arc(_n + place, 0);
            if (_notPlaced > 0) visit.Arc(_source, 0);
        }
    }

    /// <summary>Moves one unit along the residual arc u → v.</summary>
    private void Push(int u, int v)
    {
        if (u == _source && v == _sink) _notPlaced++;
        else if (u == _sink && v == _source) _notPlaced--;
        else if (u == _source) _chosen[v] = true;
        else if (v == _source) _chosen[u] = false;
        else if (v == _sink) _toSink[u - _n]++;
        else if (u == _sink) _toSink[v - _n]--;
        else if (u < _n) Link(u, v - _n);
        else Unlink(v);
    }

    private interface IArcVisitor
    {
        void Arc(int to, Int128 cost);
    }

    /// <summary>Shortest distances from a virtual node joined to every node: potentials for the starting flow (no negative cycle, as it is optimal).</summary>
    private void FindPotentials()
    {
        var nodes = _sink + 1;
        var queued = new bool[nodes];
        var queue = new Queue<int>(nodes);
        for (var v = 0; v < nodes; v++)
        {
            queue.Enqueue(v);
            queued[v] = true;
        }
        var relax = new BellmanFordStep { Flow = this, Queue = queue, Queued = queued };
        long steps = 0;
        var limit = (long)nodes * nodes * 4 + 1_000_000;
        while (queue.TryDequeue(out var u))
        {
            queued[u] = false;
            relax.From = u;
            ForEachArc(u, ref relax);
            if (++steps > limit) throw new InvalidOperationException("The starting flow is not optimal: its residual graph has a negative cycle.");
        }
    }

    private struct BellmanFordStep : IArcVisitor
    {
        public RepairableFlow Flow;
        public Queue<int> Queue;
        public bool[] Queued;
        public int From;

        public void Arc(int to, Int128 cost)
        {
            var candidate = Flow._potential[From] + cost;
            if (candidate >= Flow._potential[to]) return;
            Flow._potential[to] = candidate;
            if (Queued[to]) return;
            Queued[to] = true;
            Queue.Enqueue(to);
        }
    }

    /// <summary>
    /// Sends every unit left over along a shortest path to a node short of one, until the flow is balanced again; true then.
    /// False, with the flow left unbalanced, once the balanced flow surely would not be worth more than <paramref name="atMost"/>.
    /// "Surely" is the dual bound of what the units left over still cost: with potentials π valid for the residual graph and
    /// b(v) the units a node has over (negative: short), sending them costs at least −Σ b(v)·π(v); while the search has found
    /// no path shorter than D (its two radii add up to D), every unit still to send costs D more than that bound. So a branch
    /// that cannot beat the best allocation found is cut as soon as the search passes that distance, without reading the
    /// rest of its market.
    /// </summary>
    private bool Repair(Int128? atMost)
    {
        var nodes = _sink + 1;
        var scratch = _scratch;
        var path = scratch.Path;
        while (true)
        {
            var round = ++scratch.Round;
            scratch.Work += nodes;
            var leftOver = 0;
            var sentAtLeast = Int128.Zero;
            for (var v = 0; v < nodes; v++)
            {
                if (_imbalance[v] == 0) continue;
                sentAtLeast -= _imbalance[v] * _potential[v];
                if (_imbalance[v] > 0) leftOver += _imbalance[v];
            }
            if (leftOver == 0)
            {
                Balanced?.Invoke(this);
                return true;
            }
            // The final cost is at least _cost + sentAtLeast + D·leftOver; the branch is cut once that leaves it no better than atMost.
            var cutAt = atMost is { } limit ? CeilingDivide(-limit - _cost - sentAtLeast, leftOver) : (Int128?)null;
            var meeting = Search(round, cutAt, out var total, out var forwardRadius);
            if (meeting < 0) return false;

            // The path runs from its start to the meeting node by the forward parents, and on to its end by the backward ones.
            path.Clear();
            for (var v = meeting; v >= 0; v = scratch.Forward.Parent[v]) path.Add(v);
            path.Reverse();
            for (var v = scratch.Backward.Parent[meeting]; v >= 0; v = scratch.Backward.Parent[v]) path.Add(v);
            var (from, to) = (path[0], path[^1]);
            // A path's reduced length is its cost plus the potential of where it starts, less that of where it ends.
            _cost += total - _potential[from] + _potential[to];
            UpdatePotentials(forwardRadius, total - forwardRadius);
            // Applied from the start of the path: a child leaves its place before it takes another.
            for (var i = 0; i + 1 < path.Count; i++) Push(path[i], path[i + 1]);
            _imbalance[from]--;
            _imbalance[to]++;
        }
    }

    /// <summary>
    /// New potentials after a search whose shortest path is <paramref name="forwardRadius"/> + <paramref name="backwardRadius"/>
    /// long, each radius at most as far as its side had read: π + min(d, r_f) − min(e, r_b) − r_f, with d the distance from
    /// the start and e the distance to the end. Both clamped distances are valid potentials and where both grow along an arc
    /// that arc is at least as long as the path, so their sum is valid too; along the path it grows by exactly the arcs'
    /// costs, so the path's arcs (and the reverse arcs the push creates) cost 0 reduced. Every potential falls or stays:
    /// the edges' start bounds (<see cref="EdgesByStartCost"/>) hold.
    /// </summary>
    private void UpdatePotentials(Int128 forwardRadius, Int128 backwardRadius)
    {
        var scratch = _scratch;
        bool forward = false, backward = false;
        foreach (var v in scratch.Forward.Popped)
            if (scratch.Forward.Distance[v] < forwardRadius)
            {
                _potential[v] += scratch.Forward.Distance[v] - forwardRadius;
                forward = true;
            }
        foreach (var v in scratch.Backward.Popped)
            if (scratch.Backward.Distance[v] < backwardRadius)
            {
                _potential[v] += backwardRadius - scratch.Backward.Distance[v];
                backward = true;
            }
        _shift += backwardRadius;
        if (forward) SearchesUpdatingForward++;
        if (backward) SearchesUpdatingBackward++;
    }

    /// <summary>
    /// One step of the forward half: the nearest node out of its heap, whose arcs it relaxes, or a child's edges left to read.
    /// Distances and parents (towards the start) are left in the scratch.
    /// </summary>
    private void StepForward(ref ShortestPathStep search)
    {
        var nodes = _sink + 1;
        var scratch = _scratch;
        search.Heap.TryPop(out var entry, out var key);
        search.Work++;
        if (entry >= nodes)
        {
            // The rest of a child's edges, from the first that could reach this far.
            var child = entry - nodes;
            search.From = child;
            search.FromPotential = _potential[child] + search.Distance[child];
            RelaxEdges(child, key, ref search);
            return;
        }
        var u = entry;
        if (search.Done[u] == search.Round || key != search.Distance[u]) return;
        search.Done[u] = search.Round;
        scratch.Forward.Popped.Add(u);
        search.From = u;
        search.FromPotential = _potential[u] + key;
        if (u < _n)
        {
            if (!Free(u)) return;
            if (_chosen[u]) search.Arc(_source, _weight[u]);
            scratch.NextEdge[u] = 0;
            RelaxEdges(u, key, ref search);
        }
        else ForEachArc(u, ref search);
    }

    /// <summary>
    /// A child's edges to places, cheapest first by their bound (<see cref="EdgesByStartCost"/>), as far as they can reach
    /// within <paramref name="key"/>; the rest stay in the heap as one entry keyed by the next edge's bound. The same arcs
    /// as <see cref="ForEachArc"/>, read lazily.
    /// </summary>
    private void RelaxEdges(int r, Int128 key, ref ShortestPathStep search)
    {
        var (order, bound) = _edgesByStartCost!.Of(r);
        var places = _problem.EdgePlace[r];
        var costs = _problem.EdgeCost[r];
        var current = _placeOf[r];
        var sibling = _problem.GroupOf[r] >= 0;
        // The bounds are against the potentials as the tree started, and the potentials meant are the stored ones less the shift.
        var from = search.FromPotential - _shift;
        var beyond = _scratch.Beyond;
        var next = _scratch.NextEdge;
        var i = next[r];
        // At least a few edges a time, read eagerly: cheaper than a trip through the heap for each.
        var eager = i + 8;
        for (; i < order.Length; i++)
        {
            // Sorted by bound: no later edge reaches a node nearer than the search still looks.
            if (from + bound[i] >= beyond) break;
            if (i >= eager && from + bound[i] > key)
            {
                search.Heap.Push(_sink + 1 + r, from + bound[i]);
                break;
            }
            var place = places[order[i]];
            if (place == current || (sibling && !Allowed(r, place))) continue;
            search.Arc(_n + place, costs[order[i]]);
        }
        _scratch.Work += i - next[r];
        next[r] = i;
    }

    private static Int128 CeilingDivide(Int128 a, int b) => a >= 0 ? (a + b - 1) / b : -(-a / b);

    private struct ShortestPathStep : IArcVisitor
    {
        public RepairableFlow Flow;
        public RepairScratch Scratch;
        public Int128[] Distance;
        public int[] Parent;
        public int[] Reached;
        public int[] Done;
        public NodeHeap<Int128> Heap;
        public int Round;
        public int From;
        public Int128 FromPotential;
        /// <summary>Nodes popped and arcs read: the two halves take turns by it.</summary>
        public long Work;

        public void Arc(int to, Int128 cost)
        {
            Work++;
            if (Done[to] == Round) return;
            var candidate = FromPotential + cost - Flow._potential[to];
            if (candidate >= Scratch.Beyond || (Reached[to] == Round && Distance[to] <= candidate)) return;
            Reached[to] = Round;
            Distance[to] = candidate;
            Parent[to] = From;
            Heap.Push(to, candidate);
            if (Scratch.Backward.Reached[to] == Round) Scratch.Meet(to, candidate + Scratch.Backward.Distance[to]);
        }
    }
}
