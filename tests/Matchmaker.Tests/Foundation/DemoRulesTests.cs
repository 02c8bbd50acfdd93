using Matchmaker.Matching;
using Matchmaker.Silo.Demo;
using Matchmaker.Silo.Requests;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Retention;

namespace Matchmaker.Tests.Foundation;

/// <summary>The demo's children obey the rules the engine holds a desk to, and look like children a desk worker knows.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class DemoRulesTests
{
    private static readonly DateOnly AsOf = new(2026, 12, 5);

    /// <summary>The moment the demo is seeded at (the generator dates everything up to the start of its day).</summary>
    private static readonly SetClock SeedMoment = new(new DateTimeOffset(AsOf.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));

    [Theory]
    [InlineData(DemoDataGenerator.DefaultSeed)]
    [InlineData(1)]
    public void EveryDemoChild_PassesTheEnginesOwnRequestRules(int seed)
    {
        var data = DemoDataGenerator.Generate(seed, AsOf, DemoScale.National);
        var municipalities = data.Municipalities.ToDictionary(m => m.Id);
        var validator = new RequestInputValidator(SeedMoment);
        var broken = new List<string>();

        foreach (var child in data.Requests)
        {
            broken.AddRange(validator.Validate(InputOf(child)).Errors.Select(e => $"{child.CaseReference}: {e.PropertyName}: {e.ErrorMessage}"));
            var municipality = municipalities[child.MunicipalityId!.Value];
            if (PostcodeAreas.DistanceKm(child.HomePc4, municipality.Lat, municipality.Lon) is not (not null and <= PostcodeAreas.DefaultMaxKm))
                broken.Add($"{child.CaseReference}: homePc4 {child.HomePc4} lies too far from {municipality.Name}");
        }

        Assert.True(broken.Count == 0, $"{broken.Count} broken rules, first:\n{string.Join("\n", broken.Take(15))}");
    }

    [Theory]
    [InlineData(DemoDataGenerator.DefaultSeed)]
    [InlineData(1)]
    public void DemoChildren_AreMinorsUnlessOnJuvenileProbation_AndWaitWithAnUrgencyTheirCareCanHave(int seed)
    {
        var data = DemoDataGenerator.Generate(seed, AsOf, DemoScale.National);

        foreach (var child in data.Requests)
        {
            var age = Eligibility.AgeAt(child.BirthMonth, AsOf);
            Assert.False(age >= 18 && child.MeasureType != MeasureTypes.JuvenileProbation, $"{child.CaseReference}: {age} years old under {child.MeasureType}");
            var crisisCare = child.CareType is CareTypes.CrisisPlace or CareTypes.FosterCrisis;
            Assert.True(crisisCare == (child.Urgency == Urgencies.Crisis), $"{child.CaseReference}: {child.Urgency} for {child.CareType}");
            Assert.False(child.MeasureType == MeasureTypes.ProvisionalSupervision && child.Urgency != Urgencies.Crisis,
                $"{child.CaseReference}: a provisional OTS that is no crisis");
        }
    }

    [Fact]
    public void DemoChildrenAndLocations_HaveTheirOwnMunicipalitysPostcode_WhereAnAreaNamesIt()
    {
        var data = DemoDataGenerator.Generate(DemoDataGenerator.DefaultSeed, AsOf, DemoScale.National);
        var municipalities = data.Municipalities.ToDictionary(m => m.Id);
        var named = PostcodeAreas.All.SelectMany(PostcodeAreas.PlacesOf).ToHashSet();
        var homes = data.Requests.Select(r => (r.CaseReference, r.HomePc4, municipalities[r.MunicipalityId!.Value].Name))
            .Concat(data.Locations.Select(l => (l.Name, l.Pc4, municipalities[l.MunicipalityId].Name)));

        var elsewhere = homes.Where(home => named.Contains(home.Item3) && !PostcodeAreas.PlacesOf(PostcodeAreas.Of(home.Item2)!).Contains(home.Item3))
            .Select(home => $"{home.Item1}: {home.Item3}, postcode {home.Item2}").ToList();

        Assert.True(elsewhere.Count == 0, $"{elsewhere.Count} in another town's postcode area, first:\n{string.Join("\n", elsewhere.Take(10))}");
        Assert.Contains(data.Requests, r => municipalities[r.MunicipalityId!.Value].Name == "Vlaardingen" && r.HomePc4.StartsWith("31", StringComparison.Ordinal));
    }

    private static RequestInput InputOf(RequestRow child) => new(
        child.CaseReference, child.MeasureType, child.MeasureStart, child.Urgency, child.CareType,
        child.Needs.Split(',', StringSplitOptions.RemoveEmptyEntries), child.NeedsSecure, child.BirthMonth.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
        child.Gender, child.HomePc4, child.HomeLat, child.HomeLon, child.MaxDistanceKm, child.SiblingGroup, child.ChildWishes,
        child.ParentWishes, child.MunicipalityId);
}
