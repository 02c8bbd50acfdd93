using Matchmaker.Silo.Access;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Retention;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Retention;

/// <summary>
/// What retention keeps besides requests and the audit log, on both databases: matching rounds (case references and
/// explanations) as long as a closed child's details, the change log 30 days, idempotency keys 7 days; a reader's
/// cursor into removed events is refused, never answered with the events after the gap.
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
    public async Task TheChangeLogKeeps30Days_AndIdempotencyKeys7Days(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        var marker = Guid.NewGuid().ToString("N");
        await ChangeAsync(s, $"{marker}-31", s.Now.AddDays(-31));
        await ChangeAsync(s, $"{marker}-29", s.Now.AddDays(-29));
        await KeyAsync(s, $"{marker}-8", s.Now.AddDays(-8));
        await KeyAsync(s, $"{marker}-6", s.Now.AddDays(-6));

        var run = await s.Retention.RunWithoutRegionAsync();

        Assert.Equal(0, await s.Db.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE aggregate_id = @id", new { id = $"{marker}-31" }));
        Assert.Equal(1, await s.Db.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE aggregate_id = @id", new { id = $"{marker}-29" }));
        Assert.Equal(0, await s.Db.ScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE idempotency_key = @key", new { key = $"{marker}-8" }));
        Assert.Equal(1, await s.Db.ScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE idempotency_key = @key", new { key = $"{marker}-6" }));
        Assert.Equal(0, await s.Db.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE created_at < @cutoff", new { cutoff = s.Now.AddDays(-30) }));
        Assert.True(run.ChangesRemoved >= 1);
        Assert.Equal(1, run.IdempotencyKeysRemoved);
        Assert.Contains($"changes removed: {run.ChangesRemoved}; idempotency keys removed: 1", await s.Db.ScalarAsync<string>(
            "SELECT detail FROM audit_log WHERE region_code IS NULL AND action = 'retention-run'"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheNewestChange_StaysHowOldItIs_SoCursorsNeverFallBack(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        await ChangeAsync(s, "older", s.Now.AddDays(-60));
        var newest = await ChangeAsync(s, "newest", s.Now.AddDays(-40));

        await s.Retention.RunWithoutRegionAsync();

        Assert.Equal(newest, await s.Db.ScalarAsync<long>("SELECT max(id) FROM outbox"));
        Assert.Equal(1, await s.Db.ScalarAsync<long>("SELECT count(*) FROM outbox"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ACursorIntoRemovedEvents_IsRefused_WhileOneBeforeTheOldestKeptAndZeroStillRead(string provider)
    {
        await using var s = await RetentionScenario.StartAsync(provider);
        var first = await ChangeAsync(s, "first", s.Now.AddDays(-40));
        var second = await ChangeAsync(s, "second", s.Now.AddDays(-35));
        var kept = await ChangeAsync(s, "kept", s.Now.AddDays(-1));
        await s.Retention.RunWithoutRegionAsync();
        var feed = new EventFeed(s.Db.Database, new Journal(s.Db.Database, s.Clock));
        var desk = new Actor(Guid.NewGuid(), "user", Roles.Desk, Region, null);
        var oldest = await s.Db.ScalarAsync<long>("SELECT min(id) FROM outbox");

        var refused = await Assert.ThrowsAsync<MarketRuleException>(() => feed.AfterAsync(desk, first, 100, default));
        var fromJustBefore = await feed.AfterAsync(desk, oldest - 1, 100, default);
        var fromZero = await feed.AfterAsync(desk, 0, 100, default);

        Assert.Equal(RuleCode.EventsRemoved, refused.Code);
        Assert.True(second < oldest);
        Assert.Equal(kept, fromJustBefore.Events[0].Id);
        Assert.Equal(kept, fromZero.Events[0].Id);
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
            VALUES (@Region, NULL, 'requestChanged', @aggregate, 1, '{"requestId":"x","status":"open","version":1}', @at)
            RETURNING id
            """, new { Region, aggregate, at });

    private static Task KeyAsync(RetentionScenario s, string key, DateTimeOffset at) =>
        s.Db.ExecuteAsync("""
            INSERT INTO idempotency_keys (actor_id, idempotency_key, fingerprint, result, created_at)
            VALUES (@actor, @key, 'f', '{}', @at)
            """, new { actor = Guid.NewGuid(), key, at });
}
