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

    /// <summary>
    /// A market as large as a country's in children (from <see cref="Matchmaker.Matching.Allocation.OnEveryCore.From"/> on,
    /// so per-child work is spread over the cores): three care types, two regions with a purchasing policy, sibling groups,
    /// places declined before, spread over a hundred kilometres.
    /// </summary>
    public static MatchingInstance National(int seed, int children = 2_500)
    {
        var random = new Random(seed);
        string[] careTypes = ["residential", "gezinshuis", "secure"];
        double Near(double centre, double spread) => centre + (random.NextDouble() - 0.5) * spread;
        var places = Enumerable.Range(0, children / 4).Select(i => new Place($"p{i}", careTypes[random.Next(3)], random.Next(0, 4),
            random.Next(0, 8), random.Next(12, 23), random.Next(5) == 0 ? ["f"] : ["f", "m", "x"], random.Next(10) == 0,
            Specialisms.Where(_ => random.Next(4) == 0).ToArray(), Near(52.0, 1.0), Near(5.0, 1.5),
            random.Next(2) == 0 ? "r01" : "r02", random.Next(3) == 0 ? ["r02"] : ["r01", "r02"])).ToList();
        var requests = new List<Request>();
        while (requests.Count < children)
        {
            var size = random.Next(20) == 0 ? random.Next(2, 4) : 1;
            var group = size > 1 ? $"g{requests.Count}" : null;
            var (lat, lon, careType) = (Near(52.0, 1.0), Near(5.0, 1.5), careTypes[random.Next(3)]);
            for (var s = 0; s < size; s++)
                requests.Add(new Request($"q{requests.Count}", careType, random.Next(0, 18), random.Next(2) == 0 ? "f" : "m",
                    random.Next(1, 4), random.Next(0, 200), random.Next(10) == 0, Specialisms.Where(_ => random.Next(6) == 0).ToArray(),
                    lat, lon, random.Next(10, 80), random.Next(2) == 0 ? "r01" : "r02", group,
                    DeclinedPlaces: random.Next(8) == 0 ? [$"p{random.Next(places.Count)}"] : null));
        }
        return new MatchingInstance(places, requests, new AllocationPolicy(AllowOutOfRegion: false, AllowNonContracted: random.Next(2) == 0));
    }
}
