using System.Data.Common;
using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Foundation;

public sealed class MigrationTests
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task Migrations_FromEmpty_ApplyInOrderAndAreIdempotent(string provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var migrator = new Migrator(test.Database);

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();
        var status = await migrator.StatusAsync();

        Assert.Equal(migrator.Known.Select(m => m.Version), first.Select(m => m.Version));
        Assert.NotEmpty(first);
        Assert.Empty(second);
        Assert.True(status.IsCurrent);
        Assert.Equal(migrator.Known.Select(m => m.Version), status.Applied);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task Migrations_WhenAnAppliedFileWasChanged_AreRefused(string provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var migrator = new Migrator(test.Database);
        await migrator.MigrateAsync();
        await using (var connection = await test.Database.OpenAsync())
            await connection.ExecuteAsync("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");

        var refused = await Assert.ThrowsAsync<MigrationException>(() => migrator.MigrateAsync());

        Assert.Contains("was changed after it was applied", refused.Message);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task Migrations_WhenTheDatabaseIsNewerThanTheCode_AreRefused(string provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var migrator = new Migrator(test.Database);
        await migrator.MigrateAsync();
        await using (var connection = await test.Database.OpenAsync())
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, '9999_from_the_future', 'x', @at)",
                new { at = DateTimeOffset.UtcNow });

        var refused = await Assert.ThrowsAsync<MigrationException>(() => migrator.StatusAsync());

        Assert.Contains("newer than the code", refused.Message);
    }

    [Fact, Trait(Lane.Name, Lane.Fast)]
    public void Migrations_ExistForBothDatabases_WithTheSameNumbersAndNames()
    {
        var sqlite = Migrator.LoadEmbedded(DatabaseProvider.Sqlite).Select(m => m.Name);
        var postgres = Migrator.LoadEmbedded(DatabaseProvider.Postgres).Select(m => m.Name);

        Assert.Equal(sqlite, postgres);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task AuditLog_IsAppendOnly(string provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        await new Migrator(test.Database).MigrateAsync();
        await using var connection = await test.Database.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO audit_log (at, actor_kind, action, subject_type) VALUES (@at, 'system', 'test', 'nothing')
            """, new { at = DateTimeOffset.UtcNow });

        await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync("UPDATE audit_log SET action = 'rewritten'"));
        await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync("DELETE FROM audit_log"));
        Assert.Equal("test", await connection.ExecuteScalarAsync<string>("SELECT action FROM audit_log"));
    }
}
