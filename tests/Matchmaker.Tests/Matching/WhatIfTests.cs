using Matchmaker.Matching;
using Matchmaker.Matching.Purchasing;
using Matchmaker.Tests.Infrastructure;
using static Matchmaker.Tests.Matching.MatchBuilders;

namespace Matchmaker.Tests.Matching;

[Trait(Lane.Name, Lane.Fast)]
public sealed class WhatIfTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);

    private static Purchase Residential(int units, double lat = 52.0, int minAge = 0, int maxAge = 23, string[]? specialisms = null) =>
        new("residential", units, minAge, maxAge, specialisms ?? [], lat, 5.0);

    [Fact]
    public void BuyingAPlaceThatFits_PlacesTheChildWhoWaitedPastTheThreeMonthNorm()
    {
        var instance = new MatchingInstance([Place("full", units: 0)], [Child("q1", priority: 2, waitingDays: 120)], AllocationPolicy.Unrestricted);

        var comparison = WhatIf.Buy(instance, Residential(1), "r01", Today);

        Assert.Equal(1, comparison.AdditionallyPlaced);
        Assert.Equal([0, 1, 0], comparison.AdditionallyPlacedByPriority);
        Assert.Equal(120, comparison.WaitingDaysEnded);
        Assert.Equal([1, 1, 1], comparison.PastNormPlaced);
        Assert.Equal(0, comparison.After.Placed - comparison.After.PlacedByPriority.Sum());
    }

    [Fact]
    public void ExactCounts_StandOnlyOnGroupsOfNoneOrFiveOrMore_AndAveragesAreRoundedOverFiveOrMore()
    {
        var children = Enumerable.Range(0, 7).Select(i => Child($"q{i}", priority: i < 5 ? 3 : 1, waitingDays: 10 + 30 * i)).ToList();
        var instance = new MatchingInstance([Place("full", units: 0)], children, AllocationPolicy.Unrestricted);
        var place = WhatIf.PlaceOf(Residential(1), "r01");

        var all = WhatIf.CandidatesFor(instance, place, Today);
        var five = WhatIf.CandidatesFor(instance with { Requests = children[..5] }, place, Today);
        var three = WhatIf.CandidatesFor(instance with { Requests = children[..3] }, place, Today);
        var six = WhatIf.Buy(instance, Residential(6), "r01", Today);

        Assert.Equal(new[] { 2, 0, 5 }, all.ByPriority);
        Assert.True(WhatIfDisclosure.ShowsExtraPlaced(all));
        Assert.False(WhatIfDisclosure.ShowsByPriority(all));
        Assert.True(WhatIfDisclosure.ShowsByPriority(five));
        Assert.False(WhatIfDisclosure.ShowsExtraPlaced(three));
        Assert.True(WhatIfDisclosure.ShowsExtraPlaced(WhatIf.CandidatesFor(instance with { Requests = [] }, place, Today)));
        Assert.Equal(6, six.AdditionallyPlaced);
        Assert.Equal(WhatIfDisclosure.RoundTo(six.WaitingDaysEnded / 6.0, 10), WhatIfDisclosure.AverageWaitingDays(six, all));
        Assert.Equal(0, WhatIfDisclosure.AverageWaitingDays(six, all)!.Value % 10);
        Assert.Null(WhatIfDisclosure.AverageWaitingDays(WhatIf.Buy(instance, Residential(4), "r01", Today), all));
    }

    [Fact]
    public void TheSweepsCandidates_ArePositionsInTheWholeInstance_AsEveryOtherRunsAre()
    {
        for (var seed = 0; seed < 60; seed++)
        {
            var instance = RandomInstances.Small(seed, siblings: true, maxRequests: 12, maxPlaces: 5);
            var careTypes = instance.Requests.Select(r => r.CareType).Distinct().Order().ToList();
            Purchase PlaceFor(string careType) => new(careType, 1, 0, 23, ["lvb", "trauma"], 51.92, 4.48);

            foreach (var row in WhatIf.Sweep(instance, careTypes, PlaceFor, "r01", Today, maxUnits: 1))
            {
                var whole = WhatIf.CandidatesFor(instance, WhatIf.PlaceOf(PlaceFor(row.CareType), "r01"), Today);
                Assert.Equal(whole.Members.Order(), row.Candidates.Members.Order());
                Assert.All(row.Candidates.Members, member => Assert.Equal(row.CareType, instance.Requests[member].CareType));
            }
        }
    }

    [Fact]
    public void APlaceNobodyCanUse_ChangesNothing()
    {
        var instance = RandomInstances.Small(7, siblings: true, maxRequests: 12, maxPlaces: 5);

        var wrongCareType = WhatIf.Buy(instance, new Purchase("supervised-contact", 5, 0, 23, [], 52.0, 5.0), "r01", Today);
        var tooFar = WhatIf.Buy(instance, new Purchase("residential", 5, 0, 23, [], 40.0, 5.0), "r01", Today);

        Assert.Equal(wrongCareType.Before, wrongCareType.After, OutcomeComparer.Instance);
        Assert.Equal(tooFar.Before, tooFar.After, OutcomeComparer.Instance);
    }

    [Fact]
    public void AddingPlaces_NeverPlacesFewerChildren_NorFewerOfAHigherPriorityClass()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var instance = RandomInstances.Small(seed, siblings: seed % 2 == 0, maxRequests: 10, maxPlaces: 4);
            var before = WhatIf.Evaluate(instance, Today);
            foreach (var units in new[] { 1, 2, 5 })
            {
                var after = WhatIf.Buy(instance, Residential(units, lat: 51.95, minAge: seed % 3 == 0 ? 12 : 0), "r01", Today).After;
                Assert.True(after.Placed >= before.Placed, $"seed {seed}, +{units}: {after.Placed} placed, {before.Placed} before");
                Assert.True(Lexicographic(after).CompareTo(Lexicographic(before)) >= 0, $"seed {seed}, +{units}: the priority classes got worse");
            }
        }
    }

    [Fact]
    public void TheSweepsFirstStep_EqualsTheSingleWhatIf_ForEveryCareType()
    {
        for (var seed = 0; seed < 60; seed++)
        {
            var instance = RandomInstances.Small(seed, siblings: true, maxRequests: 12, maxPlaces: 5);
            var careTypes = instance.Requests.Select(r => r.CareType).Distinct().Order().ToList();
            Purchase PlaceFor(string careType) => new(careType, 1, 0, 23, ["lvb", "trauma"], 51.92, 4.48);

            var sweep = WhatIf.Sweep(instance, careTypes, PlaceFor, "r01", Today, maxUnits: 3);

            foreach (var row in sweep)
            {
                var single = WhatIf.Buy(instance, PlaceFor(row.CareType), "r01", Today);
                Assert.Equal(single.AdditionallyPlaced, row.ByUnits[0].AdditionallyPlaced);
                Assert.Equal(single.AdditionallyPlacedByPriority, row.ByUnits[0].AdditionallyPlacedByPriority);
                Assert.Equal(single.WaitingDaysEnded, row.ByUnits[0].WaitingDaysEnded);
                Assert.Equal(single.PastNormPlaced, row.ByUnits[0].PastNormPlaced);
                Assert.Equal(3, row.ByUnits.Count);
            }
        }
    }

    [Fact]
    public void ContractingAPlace_MakesItsFreeUnitsUsable_WhenThePolicyNeedsAContract()
    {
        var instance = new MatchingInstance([Place("elsewhere", units: 2, contractedBy: ["r02"])], [Child("q1"), Child("q2")],
            new AllocationPolicy(AllowOutOfRegion: true, AllowNonContracted: false));

        var comparison = WhatIf.Contract(instance, "elsewhere", "r01", Today);

        Assert.Equal(0, comparison.Before.Placed);
        Assert.Equal(2, comparison.AdditionallyPlaced);
    }

    [Fact]
    public void APurchaseOfNoUnitsOrAnEmptyAgeRange_IsRefused()
    {
        var instance = new MatchingInstance([], [Child("q1")], AllocationPolicy.Unrestricted);

        Assert.Throws<ArgumentException>(() => WhatIf.Buy(instance, Residential(0), "r01", Today));
        Assert.Throws<ArgumentException>(() => WhatIf.Buy(instance, Residential(1, minAge: 12, maxAge: 6), "r01", Today));
    }

    private static (int, int, int) Lexicographic(Outcome outcome) => (outcome.PlacedByPriority[0], outcome.PlacedByPriority[1], outcome.PlacedByPriority[2]);

    private sealed class OutcomeComparer : IEqualityComparer<Outcome>
    {
        public static readonly OutcomeComparer Instance = new();

        public bool Equals(Outcome? x, Outcome? y) => x is not null && y is not null && x.Placed == y.Placed
            && x.PlacedByPriority.SequenceEqual(y.PlacedByPriority) && x.WaitingDaysOfPlaced == y.WaitingDaysOfPlaced
            && Math.Abs(x.DistanceKm - y.DistanceKm) < 1e-9 && x.UnplacedPastNorm.SequenceEqual(y.UnplacedPastNorm);

        public int GetHashCode(Outcome obj) => obj.Placed;
    }
}

[Trait(Lane.Name, Lane.Fast)]
public sealed class PoolingTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);

    [Fact]
    public void AChildWhoseOnlyFittingPlaceIsInTheNeighbouringRegion_IsPlacedOnlyWhenTheRegionsPool()
    {
        var instance = new MatchingInstance([Place("next-door", region: "r02", contractedBy: ["r02"])], [Child("q1", region: "r01")], AllocationPolicy.Unrestricted);

        var alone = Pooling.Solve(instance, region => region, Today);
        var pooled = Pooling.Solve(instance, _ => "network", Today);

        Assert.Equal(0, alone.Outcome.Placed);
        Assert.Equal(1, pooled.Outcome.Placed);
        Assert.Equal(1, pooled.PlacedOutsideOwnRegion);
    }

    [Fact]
    public void WiderPools_NeverPlaceFewerChildren_NorFewerOfAHigherPriorityClass()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var instance = RandomInstances.Small(seed, siblings: seed % 2 == 0, maxRequests: 10, maxPlaces: 5);
            var alone = Pooling.Solve(instance, region => region, Today).Outcome;
            var national = Pooling.Solve(instance, _ => "nl", Today).Outcome;

            Assert.True(national.Placed >= alone.Placed, $"seed {seed}: {national.Placed} pooled, {alone.Placed} alone");
            Assert.True((national.PlacedByPriority[0], national.PlacedByPriority[1], national.PlacedByPriority[2])
                .CompareTo((alone.PlacedByPriority[0], alone.PlacedByPriority[1], alone.PlacedByPriority[2])) >= 0, $"seed {seed}");
        }
    }
}
