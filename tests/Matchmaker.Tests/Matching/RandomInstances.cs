using Request = Matchmaker.Matching.Request;
using Matchmaker.Matching;

namespace Matchmaker.Tests.Matching;

/// <summary>Small random markets built from a seed, with many ties: few coordinates, few waiting-day values.</summary>
public static class RandomInstances
{
    private static readonly (double Lat, double Lon)[] Spots = [(51.92, 4.48), (51.95, 4.55), (52.00, 4.40), (51.85, 4.60)];
    private static readonly string[] Specialisms = ["lvb", "trauma"];

    public static MatchingInstance Small(int seed, bool siblings, int maxRequests = 7, int maxPlaces = 4)
    {
        var random = new Random(seed);
        var careTypes = random.Next(3) == 0 ? new[] { "residential", "gezinshuis" } : new[] { "residential" };
        var places = Enumerable.Range(0, random.Next(1, maxPlaces + 1)).Select(i =>
        {
            var spot = Spots[random.Next(Spots.Length)];
            var minAge = random.Next(0, 10);
            return new Place($"p{i}", careTypes[random.Next(careTypes.Length)], random.Next(0, 4), minAge, minAge + random.Next(4, 12),
                random.Next(5) == 0 ? ["f"] : ["f", "m", "x"], random.Next(8) == 0,
                Specialisms.Where(_ => random.Next(3) == 0).ToArray(), spot.Lat, spot.Lon,
                random.Next(3) == 0 ? "r02" : "r01", random.Next(4) == 0 ? ["r02"] : ["r01", "r02"]);
        }).ToList();
        var requests = new List<Request>();
        var count = random.Next(1, maxRequests + 1);
        while (requests.Count < count)
        {
            var spot = Spots[random.Next(Spots.Length)];
            var group = siblings && random.Next(3) == 0 ? $"g{requests.Count}" : null;
            var size = group is null ? 1 : Math.Min(count - requests.Count, random.Next(2, 4));
            var priority = random.Next(1, 4);
            var waiting = new[] { 0, 10, 10, 30 }[random.Next(4)];
            var careType = careTypes[random.Next(careTypes.Length)];
            for (var s = 0; s < size; s++)
            {
                requests.Add(new Request($"q{requests.Count}", careType, random.Next(0, 18), random.Next(6) == 0 ? "m" : "f",
                    random.Next(4) == 0 ? random.Next(1, 4) : priority, group is null || random.Next(4) == 0 ? waiting : 10,
                    random.Next(10) == 0, Specialisms.Where(_ => random.Next(5) == 0).ToArray(),
                    spot.Lat, spot.Lon, new[] { 5.0, 15.0, 60.0 }[random.Next(3)], random.Next(4) == 0 ? "r02" : "r01",
                    size > 1 ? group : null));
            }
        }
        var policy = new AllocationPolicy(random.Next(3) != 0, random.Next(2) == 0);
        return new MatchingInstance(places, requests, policy);
    }

    /// <summary>
    /// A larger market where sibling groups are often split by the relaxation: many groups, small places spread over
    /// a few tens of kilometres, so the best allocation hangs on distances.
    /// </summary>
    public static MatchingInstance Crowded(int seed)
    {
        var random = new Random(seed);
        double Near(double centre) => centre + (random.NextDouble() - 0.5) * 0.4;
        var places = Enumerable.Range(0, random.Next(8, 25)).Select(i => new Place($"p{i}", "residential", random.Next(1, 5), 0, 23,
            ["f", "m", "x"], false, [], Near(52.0), Near(5.0), "r01", ["r01"])).ToList();
        var requests = new List<Request>();
        var count = random.Next(20, 70);
        while (requests.Count < count)
        {
            var size = random.Next(3) == 0 ? random.Next(2, 4) : 1;
            var group = size > 1 ? $"g{requests.Count}" : null;
            var (lat, lon) = (Near(52.0), Near(5.0));
            var priority = random.Next(1, 4);
            var waiting = random.Next(0, 4) * 15;
            for (var s = 0; s < size; s++)
                requests.Add(new Request($"q{requests.Count}", "residential", random.Next(0, 18), "f", priority, waiting, false, [],
                    lat, lon, random.Next(15, 40), "r01", group));
        }
        return new MatchingInstance(places, requests, AllocationPolicy.Unrestricted);
    }
}
