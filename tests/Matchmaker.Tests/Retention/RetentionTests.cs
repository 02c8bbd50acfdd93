using Matchmaker.Silo.Retention;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Retention;

/// <summary>
/// The engine's retention (AVG, NEN 7513) on both databases: what a closed request keeps after 24 months, what stays
/// untouched, the audit log's own retention, the run audited and idempotent. Time comes from the test's clock.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class RetentionTests
{
    private const string Region = RetentionScenario.Region;

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ARequestClosed25MonthsAgo_IsReducedToWhatTheFiguresNeed(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        var id = await s.ChildAsync(Region, closedMonthsAgo: 25);
        var before = await s.ReadAsync(id);

        var run = await s.Retention.RunAsync(Region);

        var after = await s.ReadAsync(id);
        Assert.True(run.RequestsReduced >= 1);
        // Free text, the case reference and the links to people are gone ...
        Assert.Equal($"{RegionRetention.Marker} {id}", after.CaseReference);
        Assert.Equal("", after.ChildWishes);
        Assert.Equal("", after.ParentWishes);
        Assert.Equal(RegionRetention.Marker, after.EscalationReason);
        Assert.Null(after.SiblingGroup);
        Assert.Null(after.CaseworkerId);
        // ... the birth month is its year, the home the centre of its municipality ...
        Assert.Equal(new DateOnly(before.BirthMonth.Year, 1, 1), after.BirthMonth);
        Assert.Equal("0000", after.HomePc4);
        var centre = (await s.Db.QueryAsync<(double, double)>("SELECT lat, lon FROM municipalities WHERE id = @id", new { id = before.MunicipalityId })).Single();
        Assert.Equal(centre, (after.HomeLat, after.HomeLon));
        // ... and what the figures read stays.
        Assert.Equal((before.Status, before.CareType, before.Urgency, before.MeasureType, before.MeasureStart, before.Needs, before.Gender),
            (after.Status, after.CareType, after.Urgency, after.MeasureType, after.MeasureStart, after.Needs, after.Gender));
        Assert.Equal((before.RegisteredAt, before.ClosedAt, before.EscalatedAt, before.MunicipalityId), (after.RegisteredAt, after.ClosedAt, after.EscalatedAt, after.MunicipalityId));
        Assert.Equal(s.Now, after.ReducedAt);
        Assert.Equal(before.Version + 1, after.Version);
        // The hold keeps its reason code, not the provider's note; the timeline's entries keep who, what and when.
        Assert.Equal(["no-capacity |  | "], await s.HoldNotesOfAsync(id));
        var audit = string.Join("\n", await s.AuditOfAsync(id));
        Assert.DoesNotContain(before.CaseReference, audit);
        Assert.DoesNotContain("Anna", audit);
        Assert.DoesNotContain("oma", audit);
        Assert.DoesNotContain("Jan", audit);
        Assert.DoesNotContain(before.SiblingGroup!, audit);
        Assert.Contains("hold-declined | no-capacity: [vervallen]", audit);
        Assert.Contains("siblings-split | group [vervallen]: [vervallen]", audit);
        Assert.Contains("request-escalated | network zuid: [vervallen]", audit);
        Assert.Contains("hold-placed | request [vervallen] on offering", audit);
        Assert.Contains("outside the region's policy, because: [vervallen]", audit);
    }

    [Theory]
    [InlineData("hold-declined", "no-capacity: [vervallen] Anna past niet", "no-capacity: [vervallen]")]
    [InlineData("request-escalated", "network zuid: zie [vervallen] voor Anna", "network zuid: [vervallen]")]
    [InlineData("siblings-split", "group [vervallen]-jansen: apart", "group [vervallen]: [vervallen]")]
    public void TextThatAlreadyCarriesTheMarker_IsStillCut(string action, string detail, string redacted)
    {
        Assert.Equal(redacted, RegionRetention.Redacted(action, detail, "GI-0001"));
        Assert.Null(RegionRetention.Redacted(action, redacted, "GI-0001"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RequestsClosed23MonthsAgo_OpenOnes_AndAnotherRegions_AreUntouched(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        var recent = await s.ChildAsync(Region, closedMonthsAgo: 23, status: "withdrawn");
        var open = await s.ChildAsync(Region, closedMonthsAgo: null);
        var elsewhere = await s.ChildAsync(s.OtherRegion, closedMonthsAgo: 30);
        var before = new[] { await Snapshot(s, recent), await Snapshot(s, open), await Snapshot(s, elsewhere) };

        await s.Retention.RunAsync(Region);

        Assert.Equal(before, new[] { await Snapshot(s, recent), await Snapshot(s, open), await Snapshot(s, elsewhere) });
        Assert.Null((await s.ReadAsync(elsewhere)).ReducedAt);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheRegionsShortageFigures_AreTheSameBeforeAndAfterTheRun(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        for (var months = 13; months <= 40; months += 3) await s.ChildAsync(Region, closedMonthsAgo: months);
        await s.ChildAsync(Region, closedMonthsAgo: null);
        var figuresBefore = await s.ShortageFiguresAsync(Region);

        var run = await s.Retention.RunAsync(Region);

        Assert.True(run.RequestsReduced >= 6);
        Assert.Equal(figuresBefore, await s.ShortageFiguresAsync(Region));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AuditEntriesOlderThanTheRetention_AreRemoved_NewerOnesAndOtherRegionsKept_AndTheRunAuditsItself(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        await s.AuditAsync(Region, s.Now.AddMonths(-61), "request-read", "request", Guid.NewGuid().ToString(), "old read");
        await s.AuditAsync(Region, s.Now.AddMonths(-59), "request-read", "request", Guid.NewGuid().ToString(), "newer read");
        await s.AuditAsync(s.OtherRegion, s.Now.AddMonths(-61), "request-read", "request", Guid.NewGuid().ToString(), "old read elsewhere");
        var oldInRegion = await s.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE region_code = @Region AND at < @cutoff",
            new { Region, cutoff = s.Now.AddMonths(-60) });

        var run = await s.Retention.RunAsync(Region);

        Assert.Equal(oldInRegion, run.AuditEntriesRemoved);
        Assert.Equal(0, await s.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE region_code = @Region AND at < @cutoff",
            new { Region, cutoff = s.Now.AddMonths(-60) }));
        Assert.Equal(1, await s.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE detail = 'newer read'"));
        Assert.Equal(1, await s.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE detail = 'old read elsewhere'"));
        var entry = (await s.Db.QueryAsync<(string, string, string)>("""
            SELECT actor_kind, subject_id, detail FROM audit_log WHERE region_code = @Region AND action = 'retention-run'
            """, new { Region })).Single();
        Assert.Equal(("system", Region), (entry.Item1, entry.Item2));
        Assert.Contains($"audit entries removed: {run.AuditEntriesRemoved}", entry.Item3);
        Assert.Contains($"requests reduced: {run.RequestsReduced}", entry.Item3);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AuditEntriesWithoutARegion_OlderThanTheRetention_AreRemoved_ByARunOfTheirOwn(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        await s.AuditAsync(null, s.Now.AddMonths(-61), "user-signed-in", "user", Guid.NewGuid().ToString(), "old sign-in");
        await s.AuditAsync(null, s.Now.AddMonths(-59), "user-signed-in", "user", Guid.NewGuid().ToString(), "newer sign-in");
        await s.AuditAsync(Region, s.Now.AddMonths(-61), "request-read", "request", Guid.NewGuid().ToString(), "old read");
        Assert.True(await s.Retention.IsDueWithoutRegionAsync());

        var removed = await s.Retention.RunWithoutRegionAsync();

        Assert.Equal(1, removed.AuditEntriesRemoved);
        Assert.Equal(0, await s.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE detail = 'old sign-in'"));
        Assert.Equal(2, await s.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE detail IN ('newer sign-in', 'old read')"));
        Assert.Equal("audit entries removed: 1", (await s.Db.ScalarAsync<string>(
            "SELECT detail FROM audit_log WHERE region_code IS NULL AND action = 'retention-run'")).Split(';')[0]);
        Assert.False(await s.Retention.IsDueWithoutRegionAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ASecondRun_ChangesNothing_AndIsDueOnlyAfterTheInterval(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        var id = await s.ChildAsync(Region, closedMonthsAgo: 25);
        await s.AuditAsync(Region, s.Now.AddMonths(-70), "request-read", "request", id.ToString(), "old read");
        Assert.True(await s.Retention.IsDueAsync(Region));
        await s.Retention.RunAsync(Region);
        var reduced = await Snapshot(s, id);
        var entries = await s.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action <> 'retention-run'");
        Assert.False(await s.Retention.IsDueAsync(Region));

        s.Clock.Now = s.Clock.Now.AddHours(1);
        var second = await s.Retention.RunAsync(Region);

        Assert.Equal(new RetentionRun(0, 0, 0, 0), second);
        Assert.Equal(reduced, await Snapshot(s, id));
        Assert.Equal(entries, await s.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action <> 'retention-run'"));
        s.Clock.Now = s.Clock.Now.AddHours(24);
        Assert.True(await s.Retention.IsDueAsync(Region));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ManyRequestsAndEntries_AreHandledInBatches_UntilNoneIsLeft(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        var children = new List<Guid>();
        for (var i = 0; i < 130; i++) children.Add(await s.ChildAsync(Region, closedMonthsAgo: 25 + i % 5));
        for (var i = 0; i < 11; i++)
            await s.Db.ExecuteAsync("""
                INSERT INTO audit_log (at, actor_kind, region_code, action, subject_type, detail)
                SELECT @at, 'system', @Region, 'test-old', 'region', 'old' FROM audit_log WHERE region_code = @Region LIMIT 100
                """, new { Region, at = s.Now.AddMonths(-61) });
        var old = await s.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE region_code = @Region AND at < @cutoff", new { Region, cutoff = s.Now.AddMonths(-60) });

        var run = await s.Retention.RunAsync(Region);

        Assert.True(old > 1000);
        Assert.Equal(old, run.AuditEntriesRemoved);
        Assert.True(run.RequestsReduced >= 130);
        foreach (var child in children) Assert.NotNull((await s.ReadAsync(child)).ReducedAt);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheAuditLog_StillRefusesDeletesAndEditsOutsideTheRetentionsNarrowDoor(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        await s.AuditAsync(Region, s.Now.AddMonths(-80), "request-read", "request", Guid.NewGuid().ToString(), "very old read");

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => s.Db.ExecuteAsync("DELETE FROM audit_log WHERE detail = 'very old read'"));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => s.Db.ExecuteAsync("UPDATE audit_log SET detail = 'changed' WHERE detail = 'very old read'"));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            s.Db.ExecuteAsync("UPDATE audit_log SET action = 'other', detail = '[vervallen]' WHERE detail = 'very old read'"));
        Assert.Equal(1, await s.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE detail = 'very old read'"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheRetentionsDoorOpenedByHand_StillKeepsEveryEntryYoungerThanSixtyMonths_AndTheLogCannotBeTruncated(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        await s.AuditAsync(Region, s.Now.AddMonths(-59), "request-read", "request", Guid.NewGuid().ToString(), "read 59 months ago");
        await s.AuditAsync(Region, s.Now.AddMonths(-61), "request-read", "request", Guid.NewGuid().ToString(), "read 61 months ago");
        await s.Db.ExecuteAsync("UPDATE audit_log_purge SET purge_before = @now WHERE id = 1", new { now = s.Now.AddDays(1) });

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => s.Db.ExecuteAsync("DELETE FROM audit_log WHERE detail = 'read 59 months ago'"));
        await s.Db.ExecuteAsync("DELETE FROM audit_log WHERE detail = 'read 61 months ago'");
        await s.Db.ExecuteAsync("UPDATE audit_log_purge SET purge_before = NULL WHERE id = 1");
        if (provider == "postgres")
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => s.Db.ExecuteAsync("TRUNCATE audit_log"));

        Assert.Equal(1, await s.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE detail = 'read 59 months ago'"));
        Assert.Equal(0, await s.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE detail = 'read 61 months ago'"));
        Assert.True(await s.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log") > 0);
    }

    private static async Task<string> Snapshot(RetentionScenario s, Guid id) =>
        System.Text.Json.JsonSerializer.Serialize(await s.ReadAsync(id)) + "\n" + string.Join("\n", await s.AuditOfAsync(id))
        + "\n" + string.Join("\n", await s.HoldNotesOfAsync(id));
}
