using Request = Matchmaker.Matching.Request;
using Matchmaker.Matching;
using Matchmaker.Matching.Allocation;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Matching;

/// <summary>
/// The matcher finds a child's places through a map of nearby places and a table of the kind rules, not by asking
/// <see cref="Feasibility"/> about every place in the country. Both are shortcuts: what they find must be exactly what
/// asking every place would give, nearest first, on any coordinates (poles, the antimeridian, off the map) and any reach.
/// </summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class CandidatesTests
{
    [Fact]
    public void ThePlacesFoundThroughTheMap_AreExactlyThePlacesEveryRuleAllows_NearestFirst()
    {
        for (var seed = 0; seed < 400; seed++)
        {
            var instance = Market(seed);
            var found = Candidates.Find(instance);
            for (var r = 0; r < instance.Requests.Count; r++)
            {
                var expected = AskingEveryPlace(instance, instance.Requests[r]);
                Assert.True(expected.SequenceEqual(found[r]),
                    $"seed {seed}, {instance.Requests[r].Id}: expected [{string.Join(", ", expected)}], found [{string.Join(", ", found[r])}]");
            }
        }
    }

    [Fact]
    public void AMarketWithMoreThan64Specialisms_IsAnsweredTheSame_ByAskingTheRulesThemselves()
    {
        var specialisms = Enumerable.Range(0, 70).Select(i => $"s{i}").ToArray();
        var places = specialisms.Select((s, i) => new Place($"p{i}", "residential", 1, 0, 18, ["f", "m"], false, [s, "s0"], 52.0, 5.0 + i * 0.001, "r01", ["r01"])).ToList();
        var requests = new List<Request>
        {
            new("q0", "residential", 10, "f", 2, 10, false, ["s69"], 52.0, 5.0, 50, "r01", null),
            new("q1", "residential", 10, "f", 2, 10, false, ["s0"], 52.0, 5.0, 50, "r01", null),
            new("q2", "residential", 10, "x", 2, 10, false, [], 52.0, 5.0, 50, "r01", null),
        };
        var instance = new MatchingInstance(places, requests, AllocationPolicy.Unrestricted);
        var found = Candidates.Find(instance);

        Assert.Equal(["p69"], found[0].Select(c => instance.Places[c.Place].Id));
        Assert.Equal(70, found[1].Length);
        Assert.Empty(found[2]);
    }

    [Fact]
    public void CandidatesAreSortedNearestFirst_TiesInOrderOfPlace_SpreadOutOrClusteredAtOneSpot()
    {
        var random = new Random(11);
        var found = new Candidates.Found();
        for (var round = 0; round < 2_000; round++)
        {
            // Distances drawn from few values (ties), from a cluster and an outlier (many in one bucket), or spread out.
            var count = random.Next(0, round % 10 == 0 ? 400 : 40);
            var shape = random.Next(3);
            var given = Enumerable.Range(0, count).Select(_ => new Candidate(
                random.Next(1_000),
                shape switch
                {
                    0 => random.Next(4) * 2.5,
                    1 => random.Next(20) == 0 ? 150 : 3 + random.Next(3) * 1e-9,
                    _ => random.NextDouble() * 80,
                },
                random.Next(2) == 0)).DistinctBy(c => c.Place).ToList();
            found.Clear();
            foreach (var c in given) found.Add(c.Place, c.DistanceKm, c.AllowedByPolicy);

            Assert.Equal(given.OrderBy(c => c.DistanceKm).ThenBy(c => c.Place), found.NearestFirst());
        }
    }

    [Fact]
    public void AChildsPlacesPutInOrderOfPlace_AreSortedAndRememberWhereEachCameFrom_WhetherPickedFromTheirKindOrSorted()
    {
        var random = new Random(7);
        for (var round = 0; round < 300; round++)
        {
            var places = Enumerable.Range(0, random.Next(1, 60))
                .Select(i => new Place($"p{i}", random.Next(3) == 0 ? "gezinshuis" : "residential", 1, 0, 18, ["f"], false, [], 52, 5, "r01", ["r01"]))
                .ToList();
            var order = new InPlaceOrder(places);
            for (var child = 0; child < 5; child++)
            {
                // Most lists hold places of the child's kind only (as Candidates.Find gives them), some many, some few; a
                // few hold another kind's place or one place twice, which only a sort puts in order.
                var kind = random.Next(2) == 0 ? "residential" : "gezinshuis";
                var pool = Enumerable.Range(0, places.Count).Where(p => places[p].CareType == kind || random.Next(10) == 0).ToList();
                var given = pool.OrderBy(_ => random.Next()).Take(random.Next(0, pool.Count + 1)).ToList();
                if (given.Count > 0 && random.Next(10) == 0) given.Add(given[0]);

                var (byPlace, nearness) = order.Of(given, kind);

                Assert.Equal(given.Order(), byPlace);
                for (var i = 0; i < byPlace.Length; i++) Assert.Equal(byPlace[i], given[nearness[i]]);
                Assert.Equal(given.Count, nearness.Take(given.Count).Distinct().Count());
            }
        }
    }

    private static Candidate[] AskingEveryPlace(MatchingInstance instance, Request request) =>
        instance.Places
            .Select((place, p) => (Place: place, Index: p, Km: Geo.DistanceKm(request.Lat, request.Lon, place.Lat, place.Lon)))
            .Where(x => Feasibility.BrokenIgnoringPolicy(request, x.Place, x.Km) is null)
            .Select(x => new Candidate(x.Index, x.Km, Feasibility.BrokenPolicy(request, x.Place, instance.Policy) is null))
            .OrderBy(c => c.DistanceKm).ThenBy(c => c.Place)
            .ToArray();

    /// <summary>Places and children around a few spots, among them the poles, the antimeridian and points off the map.</summary>
    private static MatchingInstance Market(int seed)
    {
        var random = new Random(seed);
        (double Lat, double Lon)[] spots =
        [
            (52.1, 5.1), (51.9, 4.5), (53.2, 6.6), (0, 0), (89.95, 10), (-89.9, -170), (45, 179.95), (45, -179.95),
            (12.5, 179.999), (-30, -179.999), (95, 10), (10, 200), (double.NaN, 5),
        ];
        var spotsHere = Enumerable.Range(0, random.Next(1, 4)).Select(_ => spots[random.Next(spots.Length)]).ToArray();
        (double, double) Near()
        {
            var (lat, lon) = spotsHere[random.Next(spotsHere.Length)];
            var spread = new[] { 0, 0.01, 0.3, 2, 20 }[random.Next(5)];
            return random.Next(6) == 0 ? (lat, lon) : (lat + (random.NextDouble() - 0.5) * spread, lon + (random.NextDouble() - 0.5) * spread);
        }
        string[] careTypes = ["residential", "gezinshuis"];
        string[] specialisms = ["lvb", "trauma", "autisme"];
        var places = Enumerable.Range(0, random.Next(0, 40)).Select(i =>
        {
            var (lat, lon) = Near();
            var minAge = random.Next(0, 12);
            return new Place($"p{i}", careTypes[random.Next(2)], random.Next(0, 3), minAge, minAge + random.Next(0, 10),
                random.Next(4) == 0 ? ["f"] : ["f", "m"], random.Next(6) == 0, specialisms.Where(_ => random.Next(3) == 0).ToArray(),
                lat, lon, random.Next(3) == 0 ? "r02" : "r01", random.Next(3) == 0 ? ["r02"] : ["r01"]);
        }).ToList();
        var requests = Enumerable.Range(0, random.Next(1, 25)).Select(i =>
        {
            var (lat, lon) = Near();
            var reach = new[] { 0, 5, 30, 100, 700, 5_000, 15_000, 20_010, 25_000, -3 }[random.Next(10)];
            return new Request($"q{i}", careTypes[random.Next(2)], random.Next(0, 20), new[] { "f", "m", "x" }[random.Next(3)], 2, 10,
                random.Next(6) == 0, specialisms.Append("onbekend").Where(_ => random.Next(5) == 0).ToArray(), lat, lon, reach,
                random.Next(3) == 0 ? "r02" : "r01", null,
                DeclinedPlaces: random.Next(4) == 0 ? [$"p{random.Next(40)}"] : null, HeldPlaces: random.Next(4) == 0 ? [$"p{random.Next(40)}"] : null);
        }).ToList();
        return new MatchingInstance(places, requests, new AllocationPolicy(random.Next(2) == 0, random.Next(2) == 0));
    }
}
