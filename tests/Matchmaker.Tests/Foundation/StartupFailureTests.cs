using Microsoft.Extensions.Configuration;
using Matchmaker.Silo.Data;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Foundation;

public sealed class StartupFailureTests
{
    [Fact, Trait(Lane.Name, Lane.Fast)]
    public async Task Startup_OnACorruptSqliteFile_FailsWithOneClearLine()
    {
        var file = Path.Combine(Path.GetTempPath(), $"matchmaker-corrupt-{Guid.NewGuid():N}.db");
        await File.WriteAllTextAsync(file, new string('x', 8192));
        try
        {
            await using var database = Database.ForSqlite($"Data Source={file}");

            var failure = await Assert.ThrowsAsync<StartupException>(() => new DatabaseStartup(database, new DemoOptions(true)).PrepareAsync(_ => { }));

            Assert.Contains("is not a valid SQLite database", failure.Message);
            Assert.DoesNotContain('\n', failure.Message);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact, Trait(Lane.Name, Lane.Fast)]
    public async Task Startup_WhenPostgresIsUnreachable_SaysSoAndWhatToDo()
    {
        await using var database = Database.ForPostgres("Host=127.0.0.1;Port=1;Username=nobody;Timeout=3");

        var failure = await Assert.ThrowsAsync<StartupException>(() => new DatabaseStartup(database, new DemoOptions(false)).PrepareAsync(_ => { }));

        Assert.StartsWith("Cannot reach the PostgreSQL database", failure.Message);
        Assert.Contains("ConnectionStrings:Matchmaker", failure.Message);
    }

    [Fact, Trait(Lane.Name, Lane.Integration)]
    public async Task Startup_WhenPostgresRefusesTheDatabase_NamesTheProblem()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(TestDatabase.ServerConnectionString) { Database = "no_such_database" };
        await using var database = Database.ForPostgres(builder.ConnectionString);

        var failure = await Assert.ThrowsAsync<StartupException>(() => new DatabaseStartup(database, new DemoOptions(false)).PrepareAsync(_ => { }));

        Assert.Contains("no_such_database", failure.Message);
    }

    [Theory, Trait(Lane.Name, Lane.Fast)]
    [InlineData("postgres", "Host=127.0.0.1;Bogus Keyword=1")]
    [InlineData("postgres", "Username=x")]
    [InlineData("postgres", "Host=127.0.0.1;Maximum Pool Size=0")]
    [InlineData("postgres", "Host=127.0.0.1;Minimum Pool Size=8;Maximum Pool Size=3")]
    [InlineData("mysql", "")]
    public void Configuration_WithABadConnectionStringOrProvider_IsRefusedClearly(string provider, string connectionString)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider,
                ["ConnectionStrings:Matchmaker"] = connectionString,
            })
            .Build();

        var failure = Assert.Throws<DatabaseConfigurationException>(() => Database.FromConfiguration(configuration));

        Assert.False(string.IsNullOrWhiteSpace(failure.Message));
    }

    [Theory, Trait(Lane.Name, Lane.Fast)]
    [InlineData("none")]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("2.5")]
    public void Configuration_WithWarmConnectionsThatAreNoWholeNumberFromOne_IsRefusedNamingTheSetting(string warm)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = "postgres",
                ["ConnectionStrings:Matchmaker"] = "Host=127.0.0.1;Username=x",
                ["Database:WarmConnections"] = warm,
            })
            .Build();

        var failure = Assert.Throws<DatabaseConfigurationException>(() => Database.FromConfiguration(configuration));

        Assert.Contains("Database:WarmConnections", failure.Message);
        Assert.Contains($"'{warm}'", failure.Message);
    }
}
