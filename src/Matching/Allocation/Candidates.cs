using System.Runtime.InteropServices;

namespace Matchmaker.Matching.Allocation;

/// <summary>A place that passes every rule for a child except possibly the purchasing policy; capacity aside.</summary>
/// <remarks>Packed to 16 bytes (not 24): a national market holds one and a half million of them.</remarks>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly record struct Candidate(int Place, double DistanceKm, bool AllowedByPolicy);

/// <summary>For every request, the places that fit it, nearest first (ties by place order).</summary>
internal static class Candidates
{
    /// <param name="spread">over the cores when the market is large enough (<see cref="OnEveryCore"/>); false for comparison</param>
    public static Candidate[][] Find(MatchingInstance instance, bool spread = true)
    {
        var market = new Market(instance);
        var result = new Candidate[instance.Requests.Count][];
        OnEveryCore.ForChildren(result.Length, () => (Found: new Found(), Policy: new PolicyByRegion(instance)),
            (from, to, own) => market.FindFor(from, to, result, own.Found, own.Policy), spread);
        return result;
    }

    /// <summary>What every child's search reads and none writes: the places' points, maps per care type and kind rules.</summary>
    private sealed class Market
    {
        private readonly MatchingInstance _instance;
        private readonly HaversinePoint[] _points;
        private readonly Dictionary<string, PlaceMap> _maps;
        private readonly Feasibility.KindTable _kinds;

        public Market(MatchingInstance instance)
        {
            _instance = instance;
            _points = new HaversinePoint[instance.Places.Count];
            for (var p = 0; p < _points.Length; p++) _points[p] = new HaversinePoint(instance.Places[p].Lat, instance.Places[p].Lon);
            _maps = PlaceMap.ByCareType(instance.Places);
            _kinds = new Feasibility.KindTable(instance.Places);
        }

        /// <summary>The candidates of children <paramref name="from"/> up to <paramref name="to"/> into <paramref name="result"/>.</summary>
        public void FindFor(int from, int to, Candidate[][] result, Found found, PolicyByRegion policy)
        {
            for (var r = from; r < to; r++)
            {
                var request = _instance.Requests[r];
                found.Clear();
                if (_maps.TryGetValue(request.CareType, out var map))
                {
                    var child = _kinds.Of(request);
                    var home = new HaversinePoint(request.Lat, request.Lon);
                    var beyond = HaversinePoint.SurelyBeyond(request.MaxDistanceKm);
                    var history = request.DeclinedPlaces is { Count: > 0 } || request.HeldPlaces is { Count: > 0 };
                    var allowed = policy.Of(request.RegionId);
                    foreach (var p in map.Near(request.Lat, request.Lon, request.MaxDistanceKm))
                    {
                        // The same rules as Feasibility.BrokenIgnoringPolicy, cheapest first: only whether one is broken matters here.
                        if (_points[p].TermTo(home) > beyond || !_kinds.Fits(child, p)) continue;
                        var distance = _points[p].DistanceKmTo(home);
                        if (distance > request.MaxDistanceKm) continue;
                        if (history && Feasibility.BrokenByHistory(request, _instance.Places[p]) is not null) continue;
                        found.Add(p, distance, allowed.Allows(p));
                    }
                }
                result[r] = found.NearestFirst();
            }
        }
    }

    /// <summary>
    /// Whether the purchasing policy allows each place for children of one region, asked once per region and place
    /// (the policy depends on the child only through its region; a market has a few regions and many children).
    /// </summary>
    private sealed class PolicyByRegion(MatchingInstance instance)
    {
        private readonly Dictionary<string, Answers> _byRegion = new(StringComparer.Ordinal);
        private readonly bool _allowsAll = instance.Policy is { AllowOutOfRegion: true, AllowNonContracted: true };

        public Answers Of(string region)
        {
            if (_allowsAll) return Answers.All;
            if (!_byRegion.TryGetValue(region, out var answers))
                _byRegion[region] = answers = new Answers(region, instance, new sbyte[instance.Places.Count]);
            return answers;
        }

        /// <summary>Per place: 0 not asked yet, 1 allowed, -1 not.</summary>
        public sealed class Answers(string region, MatchingInstance? instance, sbyte[]? known)
        {
            public static readonly Answers All = new("", null, null);

            public bool Allows(int place)
            {
                if (known is null) return true;
                if (known[place] == 0) known[place] = Feasibility.BrokenPolicy(region, instance!.Places[place], instance.Policy) is null ? (sbyte)1 : (sbyte)-1;
                return known[place] > 0;
            }
        }
    }

    /// <summary>
    /// One child's candidates as they are found, then sorted nearest first, places at exactly the same distance in order
    /// of place. Keys are the distance's bits (a non-negative double's bits order as the double does; NaN first). Mostly
    /// a bucket sort: the distances spread over as many buckets as there are candidates, a bucket's index never falls as
    /// the distance grows, so after one pass only neighbours in a bucket are out of order and an insertion sort finishes.
    /// When many share a bucket (places clustered at one spot), a comparison sort instead.
    /// </summary>
    internal sealed class Found
    {
        private int[] _place = new int[64];
        private double[] _distance = new double[64];
        private bool[] _allowed = new bool[64];
        private long[] _keys = new long[64];
        private long[] _sortedKeys = new long[64];
        private int[] _bucket = new int[64];
        private int[] _start = new int[65];
        private int[] _index = new int[64];
        private int _count;

        public void Clear() => _count = 0;

        public void Add(int place, double distanceKm, bool allowedByPolicy)
        {
            if (_count == _place.Length)
            {
                var size = _count * 2;
                Array.Resize(ref _place, size);
                Array.Resize(ref _distance, size);
                Array.Resize(ref _allowed, size);
                _keys = new long[size];
                _sortedKeys = new long[size];
                _bucket = new int[size];
                _start = new int[size + 1];
                _index = new int[size];
            }
            (_place[_count], _distance[_count], _allowed[_count]) = (place, distanceKm, allowedByPolicy);
            _count++;
        }

        public Candidate[] NearestFirst()
        {
            var n = _count;
            if (n == 0) return [];
            var keys = _keys.AsSpan(0, n);
            var farthest = 0.0;
            for (var i = 0; i < n; i++)
            {
                var distance = _distance[i];
                keys[i] = double.IsNaN(distance) ? long.MinValue : BitConverter.DoubleToInt64Bits(distance + 0.0);
                if (distance > farthest) farthest = distance;
            }
            var index = _index.AsSpan(0, n);
            if (!InBuckets(n, farthest, index)) SortedByComparison(index);
            var sorted = new Candidate[n];
            for (var i = 0; i < n; i++)
                sorted[i] = new Candidate(_place[index[i]], _distance[index[i]], _allowed[index[i]]);
            return sorted;
        }

        /// <summary>The candidates in order into <paramref name="index"/>; false (nothing done) when too many share a bucket.</summary>
        private bool InBuckets(int n, double farthest, Span<int> index)
        {
            var scale = farthest > 0 ? (n - 1) / farthest : 0;
            if (!double.IsFinite(scale)) scale = 0;
            var start = _start.AsSpan(0, n + 1);
            start.Clear();
            for (var i = 0; i < n; i++)
            {
                var distance = _distance[i];
                // Multiplying by a positive number and truncating both keep the order; NaN goes first, as its key does.
                var bucket = double.IsNaN(distance) ? 0 : Math.Min(n - 1, (int)(distance * scale));
                _bucket[i] = bucket;
                start[bucket + 1]++;
            }
            long work = 0;
            for (var b = 1; b <= n; b++)
            {
                work += (long)start[b] * start[b];
                start[b] += start[b - 1];
            }
            if (work > 8L * n) return false;
            for (var i = 0; i < n; i++) index[start[_bucket[i]]++] = i;
            for (var i = 1; i < n; i++)
            {
                var item = index[i];
                var j = i;
                for (; j > 0 && Nearer(item, index[j - 1]); j--) index[j] = index[j - 1];
                index[j] = item;
            }
            return true;
        }

        /// <summary>The keys' fast path of the runtime's sort on a copy of them, then places at the same distance in order of place.</summary>
        private void SortedByComparison(Span<int> index)
        {
            var keys = _sortedKeys.AsSpan(0, index.Length);
            _keys.AsSpan(0, index.Length).CopyTo(keys);
            for (var i = 0; i < index.Length; i++) index[i] = i;
            keys.Sort(index);
            for (var i = 1; i < index.Length; i++)
                for (var j = i; j > 0 && keys[j] == keys[j - 1] && _place[index[j]] < _place[index[j - 1]]; j--)
                    (index[j], index[j - 1]) = (index[j - 1], index[j]);
        }

        private bool Nearer(int a, int b) => _keys[a] < _keys[b] || (_keys[a] == _keys[b] && _place[a] < _place[b]);
    }
}
