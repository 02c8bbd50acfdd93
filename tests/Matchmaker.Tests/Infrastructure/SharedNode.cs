namespace Matchmaker.Tests.Infrastructure;

/// <summary>
/// One real web node (SQLite, small demo market) for the tests of a class that need a node but not one of their own:
/// started when the first of them asks for it, stopped after the last.
/// </summary>
public sealed class SharedNode : IAsyncLifetime
{
    private readonly Lazy<Task<(TestDatabase, WebNode)>> _node = new(async () =>
    {
        var database = await TestDatabase.CreateSeededAsync("sqlite");
        try
        {
            return (database, await WebNode.StartAsync(database));
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    });

    public Task<(TestDatabase Database, WebNode Node)> StartAsync() => _node.Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (!_node.IsValueCreated || !_node.Value.IsCompletedSuccessfully) return;
        var (database, node) = _node.Value.Result;
        await node.DisposeAsync();
        await database.DisposeAsync();
    }
}
