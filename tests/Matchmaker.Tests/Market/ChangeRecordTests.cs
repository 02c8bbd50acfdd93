using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>A change's own statements travel in its record's one round trip (issue 23): a refused guard keeps nothing, and statements never share a parameter.</summary>
public sealed class ChangeRecordTests
{
    private static readonly Actor Tester = Actor.System;

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task ARefusedGuard_ThrowsItsRefusal_AndNothingOfTheCommandStays(string provider)
    {
        await using var test = await MigratedAsync(provider);
        var record = new ChangeRecord(TimeProvider.System);
        record.Write(InsertNote, new { id = "before-the-guard", detail = "a" });
        record.Guard("UPDATE schema_migrations SET version = version WHERE version = @version RETURNING version", new { version = -1 },
            () => new MarketRuleException(RuleCode.RequestChanged, "refused"));
        record.Write(InsertNote, new { id = "after-the-guard", detail = "b" });
        record.Audit(Tester, "record-test", "test", "audit", null);

        var refused = await Assert.ThrowsAsync<MarketRuleException>(() => WriteAndCommitAsync(test.Database, record));

        Assert.Equal(RuleCode.RequestChanged, refused.Code);
        Assert.Equal(0L, await test.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action IN ('record-test', 'record-note')"));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task GuardsThatHold_LetTheCommandCommit_WithEveryStatementItsOwnParameters(string provider)
    {
        await using var test = await MigratedAsync(provider);
        var record = new ChangeRecord(TimeProvider.System);
        record.Guard("UPDATE schema_migrations SET version = version WHERE version = @version RETURNING version", new { version = 1 },
            () => new InvalidOperationException("the first migration is there"));
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
        await record.WriteAsync(connection, transaction);
        await transaction.CommitAsync();
    }
}
