using Matchmaker.Silo.Access;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Retention;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Retention;

/// <summary>
/// What retention keeps besides requests and the audit log, on both databases: matching rounds (case references and
/// explanations) as long as a closed child's details, the change log's data 30 days (its rows stay, so no reader's
/// cursor skips an event), idempotency keys 7 days.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class RetentionOfRoundsAndLogsTests
{
    private const string Region = RetentionScenario.Region;

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task MatchingRoundsOlderThanAClosedChildsDetails_AreRemoved_TheirHoldsStayWithoutTheLink(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        var old = await RoundAsync(s, Region, s.Now.AddMonths(-25));
        var newer = await RoundAsync(s, Region, s.Now.AddMonths(-23));
        var oldElsewhere = await RoundAsync(s, s.OtherRegion, s.Now.AddMonths(-25));
        var child = await s.ChildAsync(Region, closedMonthsAgo: 25);
        await s.Db.ExecuteAsync("UPDATE holds SET matching_round_id = @old WHERE request_id = @child", new { old, child });
        var oldInRegion = await s.Db.ScalarAsync<long>("SELECT count(*) FROM matching_rounds WHERE region_code = @Region AND created_at < @cutoff",
            new { Region, cutoff = s.Now.AddMonths(-24) });

        var run = await s.Retention.RunAsync(Region);

        Assert.Equal(oldInRegion, run.MatchingRoundsRemoved);
        Assert.Equal(0, await s.Db.ScalarAsync<long>("SELECT count(*) FROM matching_rounds WHERE id = @old", new { old }));
        Assert.Equal(1, await s.Db.ScalarAsync<long>("SELECT count(*) FROM matching_rounds WHERE id = @newer", new { newer }));
        Assert.Equal(1, await s.Db.ScalarAsync<long>("SELECT count(*) FROM matching_rounds WHERE id = @oldElsewhere", new { oldElsewhere }));
        Assert.Equal(1, await s.Db.ScalarAsync<long>("SELECT count(*) FROM holds WHERE request_id = @child AND matching_round_id IS NULL", new { child }));
        Assert.Contains($"matching rounds removed: {run.MatchingRoundsRemoved}", await s.Db.ScalarAsync<string>(
            "SELECT detail FROM audit_log WHERE region_code = @Region AND action = 'retention-run'", new { Region }));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheChangeLogEmptiesEventsOlderThan30Days_UpToTheFirstYoungerOne_AndIdempotencyKeysGoAfter7Days(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        var old = await ChangeAsync(s, "old", s.Now.AddDays(-31));
        var young = await ChangeAsync(s, "young", s.Now.AddDays(-29));
        // An older event after a younger one (a node's clock behind, a late commit) waits until the younger one is old.
        var oldAfterYoung = await ChangeAsync(s, "old-after-young", s.Now.AddDays(-35));
        var marker = Guid.NewGuid().ToString("N");
        await KeyAsync(s, $"{marker}-8", s.Now.AddDays(-8));
        await KeyAsync(s, $"{marker}-6", s.Now.AddDays(-6));

        var run = await s.Retention.RunWithoutRegionAsync();
        var afterFirstRun = await PayloadsAsync(s, old, young, oldAfterYoung);
        var keysLeft = await s.Db.ScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE idempotency_key IN (@a, @b)", new { a = $"{marker}-8", b = $"{marker}-6" });
        var youngerKeyLeft = await s.Db.ScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE idempotency_key = @key", new { key = $"{marker}-6" });
        s.Clock.Now = s.Clock.Now.AddDays(2);
        var second = await s.Retention.RunWithoutRegionAsync();

        Assert.Equal(["{}", Payload, Payload], afterFirstRun);
        Assert.Equal(["{}", "{}", "{}"], await PayloadsAsync(s, old, young, oldAfterYoung));
        Assert.Equal(3, await s.Db.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE id IN (@old, @young, @oldAfterYoung)", new { old, young, oldAfterYoung }));
        Assert.True(run.ChangesEmptied >= 1);
        Assert.Equal(2, second.ChangesEmptied);
        Assert.Equal(1, keysLeft);
        Assert.Equal(1, youngerKeyLeft);
        Assert.Equal(1, run.IdempotencyKeysRemoved);
        Assert.Contains($"changes emptied: {run.ChangesEmptied}; idempotency keys removed: 1", await s.Db.ScalarAsync<string>(
            "SELECT detail FROM audit_log WHERE region_code IS NULL AND action = 'retention-run' ORDER BY id LIMIT 1"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AReaderOfTheFeed_StillFindsAnEmptiedEventInItsPlace_SoItsCursorSkipsNothing(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        var cursor = await s.Db.ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM outbox");
        var old = await ChangeAsync(s, "old", s.Now.AddDays(-40));
        var kept = await ChangeAsync(s, "kept", s.Now.AddDays(-1));
        await s.Retention.RunWithoutRegionAsync();
        var feed = new EventFeed(s.Db.Database, new Journal(s.Db.Database, s.Clock));
        var desk = new Actor(Guid.NewGuid(), "user", Roles.Desk, Region, null);

        var page = await feed.AfterAsync(desk, cursor, 100, default);

        Assert.Equal([old, kept], page.Events.Select(e => e.Id));
        Assert.Empty(page.Events[0].Data.EnumerateObject());
        Assert.Equal("open", page.Events[1].Data.GetProperty("status").GetString());
        Assert.Equal(kept, page.Cursor);
    }

    private const string Payload = """{"requestId":"x","status":"open","version":1}""";

    private static async Task<List<string>> PayloadsAsync(RetentionScenario s, params long[] ids)
    {
        var payloads = new List<string>();
        foreach (var id in ids) payloads.Add(await s.Db.ScalarAsync<string>("SELECT payload FROM outbox WHERE id = @id", new { id }));
        return payloads;
    }

    private static async Task<Guid> RoundAsync(RetentionScenario s, string region, DateTimeOffset at)
    {
        var id = Guid.NewGuid();
        await s.Db.ExecuteAsync("""
            INSERT INTO matching_rounds (id, region_code, policy_version, created_at, created_by, requests, placed, solve_millis, result)
            VALUES (@id, @region, 'v1', @at, NULL, 1, 1, 3, '{"proposals":[{"caseReference":"GI-0001"}]}')
            """, new { id, region, at });
        return id;
    }

    /// <summary>A change of the region at <paramref name="at"/>, as a grain writes it; its number in the log.</summary>
    private static async Task<long> ChangeAsync(RetentionScenario s, string aggregate, DateTimeOffset at) =>
        await s.Db.ScalarAsync<long>("""
            INSERT INTO outbox (region_code, provider_id, topic, aggregate_id, aggregate_version, payload, created_at)
            VALUES (@Region, NULL, 'requestChanged', @aggregate, 1, @Payload, @at)
            RETURNING id
            """, new { Region, aggregate, Payload, at });

    private static Task KeyAsync(RetentionScenario s, string key, DateTimeOffset at) =>
        s.Db.ExecuteAsync("""
            INSERT INTO idempotency_keys (actor_id, idempotency_key, fingerprint, result, created_at)
            VALUES (@actor, @key, 'f', '{}', @at)
            """, new { actor = Guid.NewGuid(), key, at });
}
