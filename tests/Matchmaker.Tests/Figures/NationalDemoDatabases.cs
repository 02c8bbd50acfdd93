using Matchmaker.Silo.Data;
using Matchmaker.Silo.Demo;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Figures;

/// <summary>The national demo market, seeded once per database provider for a test class (<c>IClassFixture</c>).</summary>
public sealed class NationalDemoDatabases : IAsyncLifetime
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<TestDatabase>>> _databases = new();

    public Task<TestDatabase> ForAsync(string provider) =>
        _databases.GetOrAdd(provider, p => new Lazy<Task<TestDatabase>>(() => SeedAsync(p))).Value;

    private static async Task<TestDatabase> SeedAsync(string provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        using var startup = new DatabaseStartup(database.Database, new DemoOptions(true, DemoScale.National));
        await startup.PrepareAsync(_ => { });
        return database;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var seeded in _databases.Values.Where(d => d.IsValueCreated && d.Value.IsCompletedSuccessfully))
            await seeded.Value.Result.DisposeAsync();
    }
}
