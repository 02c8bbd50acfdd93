using System.Text.Json;
using Dapper;
using Matchmaker.Matching;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Foundation;

public sealed class DemoSeedTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 22);

    [Fact, Trait(Lane.Name, Lane.Fast)]
    public void DemoData_ForTheSameSeedAndDate_IsIdentical()
    {
        var first = JsonSerializer.Serialize(DemoDataGenerator.Generate(7, AsOf, DemoScale.National));
        var second = JsonSerializer.Serialize(DemoDataGenerator.Generate(7, AsOf, DemoScale.National));
        var otherSeed = JsonSerializer.Serialize(DemoDataGenerator.Generate(8, AsOf, DemoScale.National));

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact, Trait(Lane.Name, Lane.Fast)]
    public void DemoData_IsBelievable_NeedsFitAgeAndGender_NamesFitWhatIsOffered_AndEveryMunicipalityIsReal()
    {
        var data = DemoDataGenerator.Generate(DemoDataGenerator.DefaultSeed, AsOf, DemoScale.National);

        foreach (var child in data.Requests)
        {
            var age = AsOf.Year - child.BirthMonth.Year - (AsOf.Month < child.BirthMonth.Month ? 1 : 0);
            var needs = child.Needs.Split(',', StringSplitOptions.RemoveEmptyEntries);
            Assert.False(needs.Contains("young-mother") && (child.Gender != "f" || age < 14), $"{child.CaseReference}: a young mother aged {age}, gender {child.Gender}");
            Assert.False(needs.Contains("addiction") && age < 12, $"{child.CaseReference}: addiction at {age}");
            Assert.False(child.CareType == CareTypes.MotherAndChildHome && child.Gender != "f", $"{child.CaseReference}: a boy waiting for a moeder-kindhuis");
        }
        Assert.All(data.Offerings.Where(o => o.CareType == CareTypes.MotherAndChildHome), o => Assert.Equal("f", o.Genders));
        Assert.All(data.Offerings.Where(o => o.Specialisms.Contains("young-mother")), o => Assert.True(o.MaxAge >= 14 && o.Genders.Contains('f')));
        var providers = data.Organisations.Where(o => o.Kind == "provider").Select(o => o.Name).ToList();
        Assert.Equal(providers.Count, providers.Distinct().Count());
        Assert.DoesNotContain(providers, name => name.StartsWith("Gezinshuis", StringComparison.Ordinal) || name.StartsWith("Pleegzorg", StringComparison.Ordinal));
        var real = DemoRegions.All.SelectMany(r => r.Municipalities.Select(m => (r.Code, m))).ToHashSet();
        Assert.All(data.Municipalities, m => Assert.Contains((m.RegionCode, m.Name), real));
    }

    [Theory, Trait(Lane.Name, Lane.Fast)]
    [InlineData(DemoDataGenerator.DefaultSeed)]
    [InlineData(1)]
    [InlineData(99)]
    public void DemoData_IsDatedBeforeNow_WaitsFitTheUrgency_AndHoldsAreWithinReach(int seed)
    {
        var data = DemoDataGenerator.Generate(seed, AsOf, DemoScale.National);
        var now = new DateTimeOffset(AsOf.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var requests = data.Requests.ToDictionary(r => r.Id);
        var offerings = data.Offerings.ToDictionary(o => o.Id);
        var locations = data.Locations.ToDictionary(l => l.Id);

        foreach (var request in data.Requests)
        {
            Assert.True(request.RegisteredAt <= now && (request.ClosedAt ?? now) <= now && request.MeasureStart <= AsOf, $"{request.CaseReference} is dated after now");
            var waitedDays = AsOf.DayNumber - request.MeasureStart.DayNumber;
            if (request.Status == "open" && request.Urgency == Urgencies.Crisis)
                Assert.True(waitedDays <= 21, $"{request.CaseReference}: a crisis waiting {waitedDays} days");
            if (request.Status == "open" && request.Urgency == Urgencies.Urgent)
                Assert.True(waitedDays <= 200, $"{request.CaseReference}: an urgent child waiting {waitedDays} days");
            if (CareTypes.Ambulatory.Contains(request.CareType))
                Assert.True(request.MaxDistanceKm <= 30, $"{request.CaseReference}: {request.CareType} up to {request.MaxDistanceKm} km from home");
        }
        foreach (var hold in data.Holds)
        {
            var child = requests[hold.RequestId];
            Assert.True(hold.CreatedAt <= now && (hold.AnsweredAt ?? hold.CreatedAt) <= now, $"hold {hold.Id} is dated after now");
            Assert.True(hold.CreatedAt >= child.RegisteredAt && (hold.AnsweredAt ?? hold.CreatedAt) >= hold.CreatedAt, $"hold {hold.Id} is out of order");
            var offering = offerings[hold.OfferingId];
            var location = locations[offering.LocationId];
            var distance = Geo.DistanceKm(child.HomeLat, child.HomeLon, location.Lat, location.Lon);
            Assert.True(distance <= child.MaxDistanceKm, $"{child.CaseReference} held {distance:0} km from home, beyond its {child.MaxDistanceKm} km");
            Assert.Equal(child.CareType, offering.CareType);
        }
        foreach (var placement in data.Placements)
            Assert.True(placement.CreatedAt <= now && placement.StartDate <= AsOf, $"placement {placement.Id} is dated after now");
        Assert.All(data.Offerings.Where(o => o.Specialisms.Contains("young-mother")), o => Assert.Equal(CareTypes.MotherAndChildHome, o.CareType));
        Assert.True(data.Holds.Count(h => h.Status == "active") >= 50, "the desks have running holds to show");
        Assert.True(data.Holds.Count(h => h.Status == "declined") >= 500, "the figures have declines to count");
    }

    [Theory, Trait(Lane.Name, Lane.Fast)]
    [InlineData(DemoDataGenerator.DefaultSeed)]
    [InlineData(3)]
    public void EveryDemoChildsHomePc4_LiesNearItsMunicipality_AsTheEngineRequires_AndEveryDeskHasAContact(int seed)
    {
        var data = DemoDataGenerator.Generate(seed, AsOf, DemoScale.National);
        var municipalities = data.Municipalities.ToDictionary(m => m.Id);

        var tooFar = data.Requests.Where(r => r.MunicipalityId is { } id
                && Silo.Requests.PostcodeAreas.DistanceKm(r.HomePc4, municipalities[id].Lat, municipalities[id].Lon) is not (not null and <= Silo.Requests.PostcodeAreas.DefaultMaxKm))
            .Select(r => $"{r.CaseReference}: {r.HomePc4} with {municipalities[r.MunicipalityId!.Value].Name}").ToList();

        Assert.True(tooFar.Count == 0, string.Join("\n", tooFar.Take(10)));
        // No phone line in the demo: any number made up could be somebody's; the functional mailbox is enough.
        Assert.All(data.Regions, r => Assert.Null(r.DeskPhone));
        Assert.All(data.Regions, r => Assert.EndsWith("@" + DemoDataGenerator.DemoEmailDomain, r.DeskEmail));
    }

    [Theory, Trait(Lane.Name, Lane.Fast)]
    [InlineData("3011", 51.92, 4.48, true)]   // Rotterdam with Rotterdam
    [InlineData("7121", 51.93, 6.58, true)]   // Aalten with Aalten
    [InlineData("3011", 51.93, 6.58, false)]  // Rotterdam's PC4 with Aalten
    [InlineData("9711", 51.44, 5.47, false)]  // Groningen's PC4 with Eindhoven
    public void APc4_LiesNearAMunicipality_OnlyWhenTheyCanBelongTogether(string pc4, double lat, double lon, bool together)
    {
        Assert.Equal(together, Silo.Requests.PostcodeAreas.DistanceKm(pc4, lat, lon) <= Silo.Requests.PostcodeAreas.DefaultMaxKm);
    }

    [Fact, Trait(Lane.Name, Lane.Fast)]
    public void EveryPc4From1000To9999_HasOneArea()
    {
        var areas = Silo.Requests.PostcodeAreas.All;

        Assert.All(Enumerable.Range(1000, 9000), n => Assert.Single(areas, a => a.From <= n && n <= a.To));
        Assert.Null(Silo.Requests.PostcodeAreas.Of("0123"));
        Assert.Null(Silo.Requests.PostcodeAreas.Of("12a4"));
    }

    [Fact, Trait(Lane.Name, Lane.Fast)]
    public void DemoData_National_HasTheShapeOfTheDutchMarket()
    {
        var data = DemoDataGenerator.Generate(DemoDataGenerator.DefaultSeed, AsOf, DemoScale.National);
        var open = data.Requests.Where(r => r.Status == "open").ToList();
        int Free(string careType) => data.Offerings.Where(o => o.CareType == careType).Sum(o => o.TotalUnits - o.OccupiedUnits - o.HeldUnits);

        Assert.Equal(42, data.Regions.Count);
        // Real municipalities only: most of the 342, not yet every one of them (none invented to make up the number).
        Assert.InRange(data.Municipalities.Count, 200, 342);
        Assert.Equal(600, data.Organisations.Count(o => o.Kind == "provider"));
        Assert.Equal(1_500, data.Locations.Count);
        Assert.Equal(4_000, data.Offerings.Count);
        Assert.InRange(open.Count, 3_000, 3_010);
        Assert.Contains(open, r => r.SiblingGroup is not null);
        Assert.InRange(open.Max(r => (AsOf.ToDateTime(TimeOnly.MinValue) - r.RegisteredAt.UtcDateTime).TotalDays), 300, 366);
        Assert.True(Free(CareTypes.Secure) < Free(CareTypes.SupervisedContact) / 20, "secure capacity is scarce, ambulatory slots plentiful");
        Assert.Contains(data.Offerings, o => o.TotalUnits == o.OccupiedUnits);
        Assert.NotEmpty(data.Placements);
        Assert.All(data.Offerings, o => Assert.True(o.OccupiedUnits + o.HeldUnits <= o.TotalUnits));
        foreach (var region in data.Regions)
            foreach (var role in Roles.DemoSignInRoles)
                Assert.Contains(data.Users, u => u.Email == DemoDataGenerator.DemoEmail(role, region.Code));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task DemoSeed_ReadsBackWhatItWrote_AndASecondSeedChangesNothing(string provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        await new Migrator(test.Database).MigrateAsync();
        var data = DemoDataGenerator.Generate(3, AsOf, DemoScale.Small);
        var seeder = new DemoSeeder(test.Database);

        var first = await seeder.SeedAsync(data);
        var second = await seeder.SeedAsync(DemoDataGenerator.Generate(4, AsOf, DemoScale.Small));

        Assert.True(first.Seeded);
        Assert.False(second.Seeded);
        await using var connection = await test.Database.OpenAsync();
        Assert.Equal(data.Requests.Count, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM requests"));
        var expected = data.Requests[0];
        var stored = await connection.QuerySingleAsync<StoredRequest>("""
            SELECT id AS Id, registered_at AS RegisteredAt, measure_start AS MeasureStart, needs_secure AS NeedsSecure, created_by AS CreatedBy
            FROM requests WHERE id = @Id
            """, new { expected.Id });
        Assert.Equal(expected.RegisteredAt, stored.RegisteredAt);
        Assert.Equal(expected.MeasureStart, stored.MeasureStart);
        Assert.Equal(expected.NeedsSecure, stored.NeedsSecure);
        Assert.Equal(expected.CreatedBy, stored.CreatedBy);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task DemoSeed_AfterReset_StartsAgainFromEmpty(string provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var seeder = new DemoSeeder(test.Database);
        await new Migrator(test.Database).MigrateAsync();
        await seeder.SeedAsync(DemoDataGenerator.Generate(3, AsOf, DemoScale.Small));

        await seeder.DropEverythingAsync();
        await new Migrator(test.Database).MigrateAsync();
        var again = await seeder.SeedAsync(DemoDataGenerator.Generate(5, AsOf, DemoScale.Small));

        Assert.True(again.Seeded);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task Timestamps_CompareInTimeOrder_OnBothDatabases(string provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        await new Migrator(test.Database).MigrateAsync();
        var seeder = new DemoSeeder(test.Database);
        var data = DemoDataGenerator.Generate(3, AsOf, DemoScale.Small);
        await seeder.SeedAsync(data);
        var cutOff = new DateTimeOffset(2026, 9, 1, 12, 30, 0, TimeSpan.FromHours(2));

        await using var connection = await test.Database.OpenAsync();
        var newer = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM requests WHERE registered_at > @cutOff", new { cutOff });

        Assert.Equal(data.Requests.Count(r => r.RegisteredAt > cutOff), newer);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task Offerings_CannotHoldOrOccupyMoreThanTheirTotal(string provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        await new Migrator(test.Database).MigrateAsync();
        await new DemoSeeder(test.Database).SeedAsync(DemoDataGenerator.Generate(3, AsOf, DemoScale.Small));
        await using var connection = await test.Database.OpenAsync();

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            connection.ExecuteAsync("UPDATE offerings SET held_units = total_units - occupied_units + 1"));
    }

    private sealed class StoredRequest
    {
        public Guid Id { get; init; }
        public DateTimeOffset RegisteredAt { get; init; }
        public DateOnly MeasureStart { get; init; }
        public bool NeedsSecure { get; init; }
        public Guid? CreatedBy { get; init; }
    }
}
