using Matchmaker.Matching;

namespace Matchmaker.LoadTests;

/// <summary>
/// Realistic matching instances for benchmarks, from a seed: places and children spread over the Netherlands,
/// the scarce care types scarce, max distances of 30 to 100 km, some sibling groups.
/// </summary>
public static class MarketInstances
{
    private static readonly (string CareType, double OfferWeight, double DemandWeight, int MinAge, int MaxAge)[] CareTypes =
    [
        ("residential", 18, 16, 6, 18), ("gezinshuis", 10, 10, 0, 18), ("home-24h", 3, 3, 0, 18), ("foster-crisis", 5, 4, 0, 18),
        ("foster-short", 6, 6, 0, 18), ("foster-long", 8, 7, 0, 18), ("crisis-place", 5, 4, 0, 18), ("step-down", 5, 4, 12, 18),
        ("secure", 2, 4, 12, 18), ("supervised-contact", 14, 12, 0, 18), ("ggz-diagnostics", 8, 8, 4, 18), ("ggz-treatment", 10, 12, 4, 18),
        ("mother-child-home", 2, 2, 14, 23), ("forensic", 2, 2, 12, 23), ("addiction", 2, 2, 12, 23), ("complex-divorce", 4, 4, 0, 18),
    ];

    private static readonly string[] Specialisms = ["lvb", "trauma", "autism", "addiction", "eating-disorder", "sexual-behaviour", "attachment", "aggression"];

    /// <summary>One region: 500 open requests against 400 offerings holding 2,000 free units, within about 40 km.</summary>
    public static MatchingInstance Region(int seed, double siblingShare = 0.04) =>
        Build(seed, requests: 500, offerings: 400, units: 2_000, regions: 1, siblingShare, new AllocationPolicy(true, false));

    /// <summary>The whole country at once: 10,000 requests against 5,000 offerings holding 40,000 units, out-of-region allowed.</summary>
    public static MatchingInstance Country(int seed, double siblingShare = 0.0) =>
        Build(seed, requests: 10_000, offerings: 5_000, units: 40_000, regions: 42, siblingShare, new AllocationPolicy(true, true));

    public static MatchingInstance Build(int seed, int requests, int offerings, int units, int regions, double siblingShare, AllocationPolicy policy) =>
        Build(new Random(seed), requests, offerings, regions, siblingShare, policy, CareTypes, UnitsSpreadOver(units, offerings));

    /// <summary>The units of offering <c>i</c>: a share of a fixed total, varied 0.2-1.8 times the mean.</summary>
    private static Func<Random, int, int> UnitsSpreadOver(int units, int offerings)
    {
        var unitsLeft = units;
        return (random, i) =>
        {
            var remainingOfferings = offerings - i;
            var share = remainingOfferings == 1 ? unitsLeft : Math.Max(0, (int)Math.Round(unitsLeft / (double)remainingOfferings * (0.2 + random.NextDouble() * 1.6)));
            unitsLeft -= share;
            return share;
        };
    }

    /// <summary>
    /// An instance of a family (issue 23): the shape fixed, everything else drawn from the seed: 2-8 % of the children in
    /// sibling groups, 4-16 care types (a random subset, with their weights), 1-16 units per offering. Dense: a region
    /// far more crowded than the families, where one part holds thousands of children each within reach of
    /// hundreds of scarce places (5,000 children, 1,250 offerings of 0-3 units, three of the drawn care types): the
    /// shape on which the sibling search needs its limit (<see cref="Matching.Allocation.SearchLimit"/>).
    /// </summary>
    public static (MatchingInstance Instance, string Drawn) Family(string family, int seed)
    {
        var random = new Random(seed);
        var siblingShare = 0.02 + random.NextDouble() * 0.06;
        var careTypes = CareTypes.OrderBy(_ => random.Next()).Take(random.Next(4, CareTypes.Length + 1)).ToArray();
        if (family == "dense") careTypes = careTypes.Take(3).ToArray();
        var drawn = $"{siblingShare:P1} in sibling groups, {careTypes.Length} care types";
        Func<Random, int, int> units = (r, _) => r.Next(1, 17);
        var instance = family switch
        {
            "region" => Build(random, requests: 500, offerings: 400, regions: 1, siblingShare, new AllocationPolicy(true, false), careTypes, units),
            "country" => Build(random, requests: 10_000, offerings: 5_000, regions: 42, siblingShare, new AllocationPolicy(true, true), careTypes, units),
            "dense" => Build(random, requests: 5_000, offerings: 1_250, regions: 1, siblingShare, new AllocationPolicy(true, true), careTypes, (r, _) => r.Next(0, 4)),
            _ => throw new ArgumentException($"Unknown family '{family}': use region, country or dense."),
        };
        return (instance, $"{drawn}, {instance.Places.Sum(p => p.Units):N0} units");
    }

    private static MatchingInstance Build(Random random, int requests, int offerings, int regions, double siblingShare, AllocationPolicy policy,
        (string CareType, double OfferWeight, double DemandWeight, int MinAge, int MaxAge)[] careTypes, Func<Random, int, int> unitsOf)
    {
        // Region centres spread over the land area of the Netherlands (about 50.8-53.4 N, 3.6-7.1 E).
        var centres = Enumerable.Range(0, regions).Select(_ => (Lat: 51.0 + random.NextDouble() * 2.3, Lon: 3.9 + random.NextDouble() * 2.9)).ToArray();
        var spread = regions == 1 ? 0.35 : 0.25;

        var places = new List<Place>(offerings);
        for (var i = 0; i < offerings; i++)
        {
            var care = Pick(random, careTypes, c => c.OfferWeight);
            var region = random.Next(regions);
            var (lat, lon) = Near(random, centres[region], spread);
            var share = unitsOf(random, i);
            var minAge = care.MinAge == 0 && random.NextDouble() < 0.3 ? 0 : care.MinAge;
            var maxAge = minAge == 0 && care.MinAge == 0 && random.NextDouble() < 0.3 ? 12 : care.MaxAge;
            places.Add(new Place($"o{i:00000}", care.CareType, share, minAge, maxAge,
                random.NextDouble() switch { < 0.08 => ["f"], < 0.16 => ["m"], _ => ["f", "m", "x"] },
                care.CareType == "secure", Specialisms.Where(_ => random.NextDouble() < 0.3).ToArray(), lat, lon,
                $"r{region:00}", Enumerable.Range(0, regions).Where(r => r == region || random.NextDouble() < 2.0 / regions).Select(r => $"r{r:00}").ToArray()));
        }

        var list = new List<Request>(requests);
        while (list.Count < requests)
        {
            var care = Pick(random, careTypes, c => c.DemandWeight);
            var region = random.Next(regions);
            var (lat, lon) = Near(random, centres[region], spread);
            var size = random.NextDouble() < siblingShare ? Math.Min(random.Next(2, 4), requests - list.Count) : 1;
            var group = size > 1 ? $"g{list.Count}" : null;
            var priority = random.NextDouble() switch { < 0.07 => 1, < 0.3 => 2, _ => 3 };
            var waiting = (int)(365 * Math.Pow(random.NextDouble(), 2));
            var maxDistance = new[] { 30.0, 50, 50, 75, 100 }[random.Next(5)];
            for (var s = 0; s < size; s++)
            {
                list.Add(new Request($"q{list.Count:00000}", care.CareType, random.Next(care.MinAge, Math.Min(care.MaxAge, 22) + 1),
                    random.NextDouble() switch { < 0.48 => "f", < 0.96 => "m", _ => "x" }, priority, waiting, care.CareType == "secure",
                    Specialisms.Where(_ => random.NextDouble() < 0.08).ToArray(), lat, lon, maxDistance, $"r{region:00}", group));
            }
        }
        return new MatchingInstance(places, list, policy);
    }

    private static (double, double) Near(Random random, (double Lat, double Lon) centre, double spread) =>
        (Math.Round(centre.Lat + (random.NextDouble() * 2 - 1) * spread, 5), Math.Round(centre.Lon + (random.NextDouble() * 2 - 1) * spread * 1.6, 5));

    private static T Pick<T>(Random random, IReadOnlyList<T> items, Func<T, double> weight)
    {
        var roll = random.NextDouble() * items.Sum(weight);
        foreach (var item in items)
        {
            roll -= weight(item);
            if (roll < 0) return item;
        }
        return items[^1];
    }
}
