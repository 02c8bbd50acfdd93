namespace Matchmaker.Matching.Allocation;

internal sealed partial class RepairableFlow
{
    /// <summary>
    /// The shortest path from a node with a unit over to one short of a unit, searched from both ends at once: Dijkstra
    /// forwards from every node over and backwards from every node short, the half that has done less work taking the next
    /// step, until the two radii add up to the best path found through a node both halves reached (no path not yet seen
    /// can be shorter). Either half alone reads everything nearer than the whole path; from both ends each reads up to
    /// about its share, which matters where many nodes lie at the same distance around one end. Returns the node where the
    /// path's halves meet, with its length and how far the forward half had read of it, or -1 once no path shorter than
    /// <paramref name="cutAt"/> remains.
    /// </summary>
    private int Search(int round, Int128? cutAt, out Int128 length, out Int128 forwardRadius)
    {
        var scratch = _scratch;
        scratch.Start(round, _imbalance, cutAt ?? Int128.MaxValue);
        var forward = new ShortestPathStep
        {
            Flow = this, Scratch = scratch, Round = round, Heap = scratch.Forward.Heap,
            Distance = scratch.Forward.Distance, Parent = scratch.Forward.Parent, Reached = scratch.Forward.Reached, Done = scratch.Forward.Done,
            // A unit over at T would start the forward half at T, whose arcs lead to every place with a child: the backward
            // half, from the few places short of a unit, starts and usually ends it. (And T short the other way round.)
            Work = _imbalance[_sink] > 0 ? 1 : 0,
        };
        var backward = new BackwardStep
        {
            Flow = this, Scratch = scratch, Round = round, Heap = scratch.Backward.Heap,
            Distance = scratch.Backward.Distance, Parent = scratch.Backward.Parent, Reached = scratch.Backward.Reached, Done = scratch.Backward.Done,
            Work = _imbalance[_sink] < 0 ? 1 : 0,
        };
        while (true)
        {
            // A half whose heap is empty has reached everything it can nearer than the search still looks.
            var forwardOpen = forward.Heap.TryPeekKey(out var forwardKey);
            var backwardOpen = backward.Heap.TryPeekKey(out var backwardKey);
            if (!forwardOpen || !backwardOpen || forwardKey + backwardKey >= scratch.Best)
            {
                scratch.Work += forward.Work + backward.Work;
                length = scratch.Best;
                forwardRadius = forwardOpen && forwardKey < length ? forwardKey : length;
                if (scratch.Meeting >= 0) return scratch.Meeting;
                return cutAt is null ? throw new InvalidOperationException("No node with a unit over reaches one short of a unit: the flow cannot be balanced.") : -1;
            }
            // No path is shorter than the two radii together (nor than the best found, which is at least as long).
            if (forwardKey + backwardKey >= cutAt)
            {
                scratch.Work += forward.Work + backward.Work;
                (length, forwardRadius) = (default, default);
                return -1;
            }
            if (forward.Work <= backward.Work) StepForward(ref forward);
            else StepBackward(ref backward);
        }
    }

    /// <summary>Arrays of one search round for each half, marked by the round's number rather than cleared between rounds.</summary>
    private sealed class RepairScratch(int nodes)
    {
        /// <summary>Per child reached forwards in this round, the first of its edges (in <see cref="EdgesByStartCost"/> order) not yet read.</summary>
        public readonly int[] NextEdge = new int[nodes];
        /// <summary>Distances and parents from the start (towards the nodes with a unit over).</summary>
        public readonly SearchHalf Forward = new(nodes);
        /// <summary>Distances to the end and parents along the path (towards the nodes short of a unit).</summary>
        public readonly SearchHalf Backward = new(nodes);
        public readonly List<int> Path = [];
        public int Round;
        /// <summary>Nodes popped, arcs read and nodes scanned by every repair of the search tree so far (what its limit counts).</summary>
        public long Work;
        /// <summary>The shortest path found so far through a node both halves reached, shorter than the cut, and that node (-1: none yet).</summary>
        public Int128 Best;
        public int Meeting;
        /// <summary>Neither half labels a node this far or farther: no path through it would be shorter than the best found or the cut.</summary>
        public Int128 Beyond;

        /// <summary>A search's start: every node with a unit over at distance 0 forwards, every node short of one at 0 backwards.</summary>
        public void Start(int round, int[] imbalance, Int128 beyond)
        {
            Forward.Clear();
            Backward.Clear();
            (Best, Meeting, Beyond) = (Int128.MaxValue, -1, beyond);
            for (var v = 0; v < imbalance.Length; v++)
                if (imbalance[v] != 0) (imbalance[v] > 0 ? Forward : Backward).StartAt(v, round);
        }

        /// <summary>A path through <paramref name="node"/> of this length, both halves having reached it.</summary>
        public void Meet(int node, Int128 length)
        {
            // Beyond is the nearer of the best and the cut: a path that long is no better, or not worth finding.
            if (length >= Beyond) return;
            (Best, Meeting, Beyond) = (length, node, length);
        }
    }

    /// <summary>One half's arrays of a search round: labels marked by the round's number rather than cleared between rounds.</summary>
    private sealed class SearchHalf(int nodes)
    {
        public readonly Int128[] Distance = new Int128[nodes];
        public readonly int[] Parent = new int[nodes];
        public readonly int[] Reached = new int[nodes];
        public readonly int[] Done = new int[nodes];
        public readonly NodeHeap<Int128> Heap = new(nodes);
        /// <summary>The nodes this half popped in the round: the ones whose potentials it moves.</summary>
        public readonly List<int> Popped = [];

        public void Clear()
        {
            Heap.Clear();
            Popped.Clear();
        }

        /// <summary>A node this half starts from, at distance 0.</summary>
        public void StartAt(int v, int round)
        {
            Reached[v] = round;
            Distance[v] = Int128.Zero;
            Parent[v] = -1;
            Heap.Push(v, Int128.Zero);
        }
    }
}
