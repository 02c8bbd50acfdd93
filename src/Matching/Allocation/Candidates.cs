using System.Runtime.InteropServices;

namespace Matchmaker.Matching.Allocation;

/// <summary>A place that passes every rule for a child except possibly the purchasing policy; capacity aside.</summary>
/// <remarks>Packed to 16 bytes (not 24): a national market holds one and a half million of them.</remarks>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly record struct Candidate(int Place, double DistanceKm, bool AllowedByPolicy);

/// <summary>For every request, the places that fit it, nearest first (ties by place order).</summary>
internal static class Candidates
{
    public static Candidate[][] Find(MatchingInstance instance)
    {
        var points = new HaversinePoint[instance.Places.Count];
        for (var p = 0; p < points.Length; p++) points[p] = new HaversinePoint(instance.Places[p].Lat, instance.Places[p].Lon);
        var maps = PlaceMap.ByCareType(instance.Places);
        var kinds = new Feasibility.KindTable(instance.Places);
        var nearestFirst = new NearestFirst();

        var result = new Candidate[instance.Requests.Count][];
        var found = new List<Candidate>();
        for (var r = 0; r < instance.Requests.Count; r++)
        {
            var request = instance.Requests[r];
            found.Clear();
            if (maps.TryGetValue(request.CareType, out var map))
            {
                var child = kinds.Of(request);
                var home = new HaversinePoint(request.Lat, request.Lon);
                var beyond = HaversinePoint.SurelyBeyond(request.MaxDistanceKm);
                foreach (var p in map.Near(request.Lat, request.Lon, request.MaxDistanceKm))
                {
                    // The same rules as Feasibility.BrokenIgnoringPolicy, cheapest first: only whether one is broken matters here.
                    if (points[p].TermTo(home) > beyond || !kinds.Fits(child, p)) continue;
                    var distance = points[p].DistanceKmTo(home);
                    if (distance > request.MaxDistanceKm) continue;
                    var place = instance.Places[p];
                    if (Feasibility.BrokenByHistory(request, place) is not null) continue;
                    found.Add(new Candidate(p, distance, Feasibility.BrokenPolicy(request, place, instance.Policy) is null));
                }
            }
            result[r] = nearestFirst.Sorted(found);
        }
        return result;
    }

    /// <summary>
    /// Sorts by distance with the distance's bits as keys (a non-negative double's bits order as the double does), the
    /// runtime's fast path for number keys; then orders places at exactly the same distance by place.
    /// </summary>
    private sealed class NearestFirst
    {
        private long[] _keys = new long[64];

        public Candidate[] Sorted(List<Candidate> found)
        {
            var sorted = found.ToArray();
            if (_keys.Length < sorted.Length) _keys = new long[Math.Max(sorted.Length, _keys.Length * 2)];
            var keys = _keys.AsSpan(0, sorted.Length);
            for (var i = 0; i < sorted.Length; i++)
                keys[i] = double.IsNaN(sorted[i].DistanceKm) ? long.MinValue : BitConverter.DoubleToInt64Bits(sorted[i].DistanceKm + 0.0);
            keys.Sort(sorted.AsSpan());
            for (var i = 1; i < sorted.Length; i++)
                for (var j = i; j > 0 && keys[j] == keys[j - 1] && sorted[j].Place < sorted[j - 1].Place; j--)
                    (sorted[j], sorted[j - 1]) = (sorted[j - 1], sorted[j]);
            return sorted;
        }
    }
}
