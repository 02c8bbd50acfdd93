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

        var result = new Candidate[instance.Requests.Count][];
        var found = new List<Candidate>();
        for (var r = 0; r < instance.Requests.Count; r++)
        {
            var request = instance.Requests[r];
            found.Clear();
            if (placesByCareType.TryGetValue(request.CareType, out var places))
            {
                foreach (var p in places)
                {
                    var place = instance.Places[p];
                    var distance = Geo.DistanceKm(request.Lat, request.Lon, place.Lat, place.Lon);
                    if (Feasibility.BrokenIgnoringPolicy(request, place, distance) is not null) continue;
                    found.Add(new Candidate(p, distance, Feasibility.BrokenPolicy(request, place, instance.Policy) is null));
                }
            }
            found.Sort((a, b) => a.DistanceKm != b.DistanceKm ? a.DistanceKm.CompareTo(b.DistanceKm) : a.Place.CompareTo(b.Place));
            result[r] = found.ToArray();
        }
        return result;
    }
}
