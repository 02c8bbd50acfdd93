namespace Matchmaker.Matching.Allocation;

/// <summary>A place that passes every rule for a child except possibly the purchasing policy; capacity aside.</summary>
internal readonly record struct Candidate(int Place, double DistanceKm, bool AllowedByPolicy);

/// <summary>For every request, the places that fit it, nearest first (ties by place order).</summary>
internal static class Candidates
{
    public static Candidate[][] Find(MatchingInstance instance)
    {
        var placesByCareType = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var p = 0; p < instance.Places.Count; p++)
        {
            var careType = instance.Places[p].CareType;
            if (!placesByCareType.TryGetValue(careType, out var list))
                placesByCareType[careType] = list = [];
            list.Add(p);
        }

        var points = instance.Places.Select(p => new HaversinePoint(p.Lat, p.Lon)).ToArray();
        var result = new Candidate[instance.Requests.Count][];
        var found = new List<Candidate>();
        for (var r = 0; r < instance.Requests.Count; r++)
        {
            var request = instance.Requests[r];
            found.Clear();
            if (placesByCareType.TryGetValue(request.CareType, out var places))
            {
                var home = new HaversinePoint(request.Lat, request.Lon);
                var beyond = HaversinePoint.SurelyBeyond(request.MaxDistanceKm);
                foreach (var p in places)
                {
                    // The same rules as Feasibility.BrokenIgnoringPolicy, cheapest first: only whether one is broken matters here.
                    if (points[p].TermTo(home) > beyond) continue;
                    var place = instance.Places[p];
                    if (Feasibility.BrokenByKind(request, place) is not null) continue;
                    var distance = points[p].DistanceKmTo(home);
                    if (distance > request.MaxDistanceKm || Feasibility.BrokenByHistory(request, place) is not null) continue;
                    found.Add(new Candidate(p, distance, Feasibility.BrokenPolicy(request, place, instance.Policy) is null));
                }
            }
            found.Sort((a, b) => a.DistanceKm != b.DistanceKm ? a.DistanceKm.CompareTo(b.DistanceKm) : a.Place.CompareTo(b.Place));
            result[r] = found.ToArray();
        }
        return result;
    }
}
