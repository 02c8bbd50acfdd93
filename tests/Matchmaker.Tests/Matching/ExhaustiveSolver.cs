using Request = Matchmaker.Matching.Request;
using Matchmaker.Matching;

namespace Matchmaker.Tests.Matching;

/// <summary>
/// An independent reference for the allocation rule, written from its text: the rules re-implemented here,
/// every allocation enumerated, the best kept by the lexicographic order. Only for small instances.
/// </summary>
public static class ExhaustiveSolver
{
    public sealed record Value(int P1, int P2, int P3, long Waiting, double DistanceKm);

    public static double Haversine(double lat1, double lon1, double lat2, double lon2)
    {
        const double radius = 6371.0;
        double ToRad(double d) => d * Math.PI / 180;
        var h = Math.Pow(Math.Sin(ToRad(lat2 - lat1) / 2), 2)
              + Math.Cos(ToRad(lat1)) * Math.Cos(ToRad(lat2)) * Math.Pow(Math.Sin(ToRad(lon2 - lon1) / 2), 2);
        return 2 * radius * Math.Asin(Math.Sqrt(h));
    }

    public static bool MayGo(Request r, Place p, AllocationPolicy policy) =>
        r.CareType == p.CareType
        && r.Age >= p.MinAge && r.Age <= p.MaxAge
        && p.Genders.Contains(r.Gender)
        && r.NeedsSecure == p.Secure
        && r.Needs.All(p.Specialisms.Contains)
        && Haversine(r.Lat, r.Lon, p.Lat, p.Lon) <= r.MaxDistanceKm
        && (policy.AllowOutOfRegion || p.RegionId == r.RegionId)
        && (policy.AllowNonContracted || p.ContractedBy.Contains(r.RegionId));

    /// <summary>Compares two values; positive when <paramref name="a"/> is better. Distances equal within 1e-7 km count as equal.</summary>
    public static int Compare(Value a, Value b)
    {
        if (a.P1 != b.P1) return a.P1.CompareTo(b.P1);
        if (a.P2 != b.P2) return a.P2.CompareTo(b.P2);
        if (a.P3 != b.P3) return a.P3.CompareTo(b.P3);
        if (a.Waiting != b.Waiting) return a.Waiting.CompareTo(b.Waiting);
        if (Math.Abs(a.DistanceKm - b.DistanceKm) <= 1e-7) return 0;
        return b.DistanceKm.CompareTo(a.DistanceKm);
    }

    /// <summary>The value of an allocation (request id to place id), or null when it breaks a rule.</summary>
    public static Value? Evaluate(MatchingInstance instance, IReadOnlyDictionary<string, string> allocation)
    {
        var used = new Dictionary<string, int>();
        int p1 = 0, p2 = 0, p3 = 0;
        long waiting = 0;
        double distance = 0;
        foreach (var (requestId, placeId) in allocation)
        {
            var r = instance.Requests.Single(x => x.Id == requestId);
            var p = instance.Places.Single(x => x.Id == placeId);
            if (!MayGo(r, p, instance.Policy)) return null;
            used[placeId] = used.GetValueOrDefault(placeId) + 1;
            if (used[placeId] > p.Units) return null;
            if (r.Priority == 1) p1++; else if (r.Priority == 2) p2++; else p3++;
            waiting += r.WaitingDays;
            distance += Haversine(r.Lat, r.Lon, p.Lat, p.Lon);
        }
        foreach (var group in instance.Requests.Where(r => r.SiblingGroup is not null).GroupBy(r => r.SiblingGroup))
        {
            var places = group.Select(r => allocation.GetValueOrDefault(r.Id)).Distinct().ToList();
            if (places.Count != 1) return null;
        }
        return new Value(p1, p2, p3, waiting, distance);
    }

    public static Value Best(MatchingInstance instance)
    {
        var requests = instance.Requests;
        var choices = requests.Select(r => instance.Places.Where(p => MayGo(r, p, instance.Policy)).Select(p => p.Id).ToList()).ToList();
        var current = new Dictionary<string, string>();
        var left = instance.Places.ToDictionary(p => p.Id, p => p.Units);
        Value best = new(0, 0, 0, 0, 0);

        void Visit(int i)
        {
            if (i == requests.Count)
            {
                if (Evaluate(instance, current) is { } value && Compare(value, best) > 0) best = value;
                return;
            }
            Visit(i + 1);
            foreach (var place in choices[i])
            {
                if (left[place] == 0) continue;
                left[place]--;
                current[requests[i].Id] = place;
                Visit(i + 1);
                current.Remove(requests[i].Id);
                left[place]++;
            }
        }

        Visit(0);
        return best;
    }
}
