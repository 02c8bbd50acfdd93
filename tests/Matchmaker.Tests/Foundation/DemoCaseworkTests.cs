using Matchmaker.Matching;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Foundation;

/// <summary>A demo caseworker or expertise network that signs in finds work of their own, dated as a desk would date it.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class DemoCaseworkTests
{
    private static readonly DateOnly AsOf = new(2026, 12, 5);
    private static readonly DateTimeOffset Now = new(AsOf.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public static TheoryData<string, int> Markets => new()
    {
        { nameof(DemoScale.National), DemoDataGenerator.DefaultSeed }, { nameof(DemoScale.National), 1 }, { nameof(DemoScale.Small), DemoDataGenerator.DefaultSeed },
    };

    private static DemoData Market(string scale, int seed) =>
        DemoDataGenerator.Generate(seed, AsOf, scale == nameof(DemoScale.Small) ? DemoScale.Small : DemoScale.National);

    [Theory, MemberData(nameof(Markets))]
    public void EveryRegionsDemoCaseworker_FiledChildrenThatWait_AndChildrenPlaced_OfTheirOwnRegion(string scale, int seed)
    {
        var data = Market(scale, seed);
        var proposed = data.Holds.Where(h => h.Status == "active").Select(h => h.RequestId).ToHashSet();

        foreach (var caseworker in data.Users.Where(u => u.Role == Roles.Caseworker))
        {
            var filed = data.Requests.Where(r => r.CaseworkerId == caseworker.Id).ToList();
            var ofRegion = data.Requests.Where(r => r.RegionCode == caseworker.RegionCode).ToList();
            Assert.All(filed, r => Assert.Equal(caseworker.RegionCode, r.RegionCode));
            Assert.InRange(filed.Count, 1, 7);
            // What the region has, its caseworker follows: a child still waiting, and a child placed this year.
            if (ofRegion.Any(r => r.Status == "open" && r.SiblingGroup is null && !proposed.Contains(r.Id)))
                Assert.Contains(filed, r => r.Status == "open" && !proposed.Contains(r.Id));
            if (ofRegion.Any(r => r.Status == "placed" && Now - r.RegisteredAt < TimeSpan.FromDays(365)))
                Assert.Contains(filed, r => r.Status == "placed");
        }
        Assert.DoesNotContain(data.Requests, r => r.CaseworkerId is { } id && !data.Users.Any(u => u.Id == id && u.Role == Roles.Caseworker));
    }

    [Fact]
    public void EveryRegionsDemoCaseworker_WorksForTheRegionsOwnCertifiedInstitution()
    {
        var data = DemoDataGenerator.Generate(DemoDataGenerator.DefaultSeed, AsOf, DemoScale.National);
        var institutionOf = data.Users.Where(u => u.Role == Roles.Caseworker)
            .ToDictionary(u => u.RegionCode!, u => data.Organisations.Single(o => o.Id == u.OrganisationId).Name);

        Assert.Equal(data.Regions.Count, institutionOf.Count);
        Assert.Equal("Jeugdbescherming Rotterdam Rijnmond", institutionOf["rijnmond"]);
        Assert.Equal("Jeugdbescherming Noord", institutionOf["groningen"]);
        Assert.Equal("Samen Veilig Midden-Nederland", institutionOf["utrecht-stad"]);
        Assert.Equal("Jeugdbescherming Brabant", institutionOf["helmond-de-peel"]);
        Assert.Equal("Jeugdbescherming Limburg", institutionOf["zuid-limburg"]);
        // The national institutions work beside the regional ones; a region's demo caseworker is of its own.
        Assert.DoesNotContain(institutionOf.Values, name => name is "Nidos" or "William Schrikker Stichting" or "Leger des Heils Jeugdbescherming & Reclassering");
    }

    [Fact]
    public void OnTheNationalMarket_MostRegionsCaseworkers_AlsoFollowAChildWithAProposalRunning()
    {
        var data = DemoDataGenerator.Generate(DemoDataGenerator.DefaultSeed, AsOf, DemoScale.National);
        var proposed = data.Holds.Where(h => h.Status == "active").Select(h => h.RequestId).ToHashSet();

        var following = data.Users.Count(u => u.Role == Roles.Caseworker && data.Requests.Any(r => r.CaseworkerId == u.Id && proposed.Contains(r.Id)));

        Assert.True(following > data.Regions.Count / 2, $"{following} of {data.Regions.Count}");
    }

    [Theory, MemberData(nameof(Markets))]
    public void EveryRegion_EscalatedTheChildrenItCouldNotPlaceLongest_OnAWorkingDayAfterSixWeeks_AndBeforeNow(string scale, int seed)
    {
        var data = Market(scale, seed);
        var escalated = data.Requests.Where(r => r.EscalatedAt is not null).ToList();

        Assert.All(escalated, r =>
        {
            Assert.Equal("open", r.Status);
            Assert.Null(r.SiblingGroup);
            Assert.DoesNotContain(r.CareType, new[] { CareTypes.SupervisedContact, CareTypes.ComplexDivorce, CareTypes.MentalHealthDiagnostics, CareTypes.CrisisPlace });
            Assert.InRange(r.EscalatedAt!.Value, r.RegisteredAt.AddDays(42), Now);
            Assert.False(r.EscalatedAt.Value.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
            Assert.False(string.IsNullOrWhiteSpace(r.EscalationReason));
        });
        Assert.DoesNotContain(data.Requests, r => r.EscalatedAt is null != r.EscalationReason is null);
        // Most regions escalated a child or two (a small region may have none waiting that long for such care).
        foreach (var region in data.Regions)
        {
            var ofRegion = escalated.Count(r => r.RegionCode == region.Code);
            Assert.InRange(ofRegion, 0, 2);
        }
        Assert.True(data.Regions.Count(region => escalated.Any(r => r.RegionCode == region.Code)) > data.Regions.Count / 2,
            $"only {escalated.Select(r => r.RegionCode).Distinct().Count()} of {data.Regions.Count} regions escalated a child");
    }
}
