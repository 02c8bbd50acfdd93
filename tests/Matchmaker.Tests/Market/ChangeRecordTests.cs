using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>
/// A change's own statements travel in its record's command, on PostgreSQL with the COMMIT (issue 23): a refused guard
/// keeps nothing and answers its own refusal, a failing statement keeps nothing, and statements never share a parameter.
/// </summary>
public sealed class ChangeRecordTests
{
    private static readonly Actor Tester = Actor.System;

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task ARefusedGuard_ThrowsItsRefusal_AndNothingOfTheCommandStays(string provider)
    {
        await using var test = await MigratedAsync(provider);
        var record = new ChangeRecord(TimeProvider.System);
        record.Write(InsertNote, new { id = "before-the-guard", detail = "a" });
        GuardMigration(record, -1, () => new MarketRuleException(RuleCode.RequestChanged, "refused"));
        record.Write(InsertNote, new { id = "after-the-guard", detail = "b" });
        record.Audit(Tester, "record-test", "test", "audit", null);

        var refused = await Assert.ThrowsAsync<MarketRuleException>(() => WriteAndCommitAsync(test.Database, record));

        Assert.Equal(RuleCode.RequestChanged, refused.Code);
        Assert.Equal(0L, await test.ScalarAsync<long>(EntriesWritten));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task OfSeveralGuards_TheFirstThatFindsNoRow_AnswersWithItsOwnRefusal_AndTheConnectionServesTheNextChange(string provider)
    {
        await using var test = await MigratedAsync(provider);
        var record = new ChangeRecord(TimeProvider.System);
        GuardMigration(record, 1, () => new InvalidOperationException("the first migration is there"));
        record.Write(InsertNote, new { id = "between-the-guards", detail = "a" });
        GuardMigration(record, -2, () => new MarketRuleException(RuleCode.PlaceTaken, "the second guard"));
        GuardMigration(record, -3, () => new MarketRuleException(RuleCode.RequestChanged, "the third guard"));
        record.Publish(new MarketEvent(MarketEvent.RequestChanged, "rijnmond", null, "request", 1, new { status = "open" }));

        await using var connection = await test.Database.OpenAsync();
        await using (var transaction = await test.Database.BeginWriteAsync(connection))
        {
            var refused = await Assert.ThrowsAsync<MarketRuleException>(() => record.CommitAsync(connection, transaction));
            Assert.Equal(RuleCode.PlaceTaken, refused.Code);
        }

        var next = new ChangeRecord(TimeProvider.System);
        next.Write(InsertNote, new { id = "the-next-change", detail = "b" });
        await using (var transaction = await test.Database.BeginWriteAsync(connection))
            await next.CommitAsync(connection, transaction);
        Assert.Equal(["the-next-change"], (await connection.QueryAsync<string>("SELECT subject_id FROM audit_log WHERE action = 'record-note'")).ToList());
        Assert.Equal(0L, await test.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE aggregate_id = 'request'"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task AStatementThatFailsAfterTheGuards_KeepsNothing_AndItsErrorIsNotTakenForARefusal(string provider)
    {
        await using var test = await MigratedAsync(provider);
        var record = new ChangeRecord(TimeProvider.System);
        GuardMigration(record, 1, () => new MarketRuleException(RuleCode.RequestChanged, "the migration is there"));
        record.Write(InsertNote, new { id = "before-the-failure", detail = "a" });
        record.Write("INSERT INTO schema_migrations (version, name, checksum, applied_at) SELECT version, name, checksum, applied_at FROM schema_migrations WHERE version = 1", new { });
        record.Audit(Tester, "record-test", "test", "audit", null);

        var failed = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => WriteAndCommitAsync(test.Database, record));

        Assert.Contains("UNIQUE", failed.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0L, await test.ScalarAsync<long>(EntriesWritten));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task GuardsThatHold_LetTheCommandCommit_WithEveryStatementItsOwnParameters(string provider)
    {
        await using var test = await MigratedAsync(provider);
        var record = new ChangeRecord(TimeProvider.System);
        GuardMigration(record, 1, () => new InvalidOperationException("the first migration is there"));
        foreach (var (id, detail) in new[] { ("one", "eerste"), ("two", "tweede"), ("three", "derde") })
            record.Write(InsertNote, new { id, detail });
        record.Audit(Tester, "record-test", "test", "audit", null, "@detail stays text");

        await WriteAndCommitAsync(test.Database, record);

        await using var connection = await test.Database.OpenAsync();
        var notes = (await connection.QueryAsync<(string Id, string Detail)>(
            "SELECT subject_id, detail FROM audit_log WHERE action = 'record-note' ORDER BY detail")).ToList();
        Assert.Equal([("three", "derde"), ("one", "eerste"), ("two", "tweede")], notes);
        Assert.Equal("@detail stays text", await test.ScalarAsync<string>("SELECT detail FROM audit_log WHERE action = 'record-test'"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task AStatement_MayNameAValueTwice_AndBeNullInOneChange_WhereTheNextHasAValue(string provider)
    {
        await using var test = await MigratedAsync(provider);
        await using var connection = await test.Database.OpenAsync();
        foreach (var (id, detail) in new[] { ("first", (string?)null), ("second", "set"), ("third", null) })
        {
            var record = new ChangeRecord(TimeProvider.System);
            record.Write("""
                INSERT INTO audit_log (at, actor_kind, role, action, subject_type, subject_id, detail, region_code)
                VALUES (CURRENT_TIMESTAMP, 'system', 'system', 'record-note', 'test', @id, @detail, @detail)
                """, new { id, detail });
            record.Audit(Tester, "record-test", "test", id, regionCode: detail, detail);
            await using var transaction = await test.Database.BeginWriteAsync(connection);
            await record.CommitAsync(connection, transaction);
        }

        var notes = (await connection.QueryAsync<(string Id, string? Detail, string? Region)>(
            "SELECT subject_id, detail, region_code FROM audit_log WHERE action IN ('record-note', 'record-test') ORDER BY id")).ToList();
        Assert.Equal([("first", null, null), ("first", null, null), ("second", "set", "set"), ("second", "set", "set"), ("third", null, null), ("third", null, null)], notes);
    }

    [Fact, Trait(Lane.Name, Lane.Integration)]
    public async Task OnPostgres_AStatementWhoseValueIsNullInEveryOtherChange_IsPreparedOnce_AndEveryLaterChangeUsesIt()
    {
        await using var test = await MigratedAsync("postgres");
        await using var connection = await test.Database.OpenAsync();
        const int changes = 16;
        for (var i = 0; i < changes; i++)
        {
            var record = new ChangeRecord(TimeProvider.System);
            record.Write(InsertNote, new { id = $"note-{i}", detail = i % 2 == 0 ? null : "set" });
            await using var transaction = await test.Database.BeginWriteAsync(connection);
            await record.CommitAsync(connection, transaction);
        }

        // The same physical connection: its session's prepared statements, and how often each was executed.
        var uses = (await connection.QueryAsync<long>(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE '%''record-note''%'")).ToList();
        Assert.Single(uses);
        Assert.True(uses[0] >= changes - 5, $"the prepared insert ran {uses[0]} of {changes} times");
    }

    /// <summary>A guard that finds its row only when migration <paramref name="version"/> is there.</summary>
    private static void GuardMigration(ChangeRecord record, int version, Func<Exception> refusal) =>
        record.Guard("UPDATE schema_migrations SET version = version WHERE version = @version RETURNING version", new { version }, refusal);

    private const string EntriesWritten = "SELECT count(*) FROM audit_log WHERE action IN ('record-test', 'record-note')";

    private const string InsertNote = """
        INSERT INTO audit_log (at, actor_kind, role, action, subject_type, subject_id, detail)
        VALUES (CURRENT_TIMESTAMP, 'system', 'system', 'record-note', 'test', @id, @detail)
        """;

    private static async Task<TestDatabase> MigratedAsync(string provider)
    {
        var test = await TestDatabase.CreateAsync(provider);
        await new Migrator(test.Database).MigrateAsync();
        return test;
    }

    private static async Task WriteAndCommitAsync(Database database, ChangeRecord record)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        await record.CommitAsync(connection, transaction);
    }
}
