using System.Diagnostics;

namespace Matchmaker.LoadTests;

/// <summary>
/// A share of a fan-out run's desk clients in a process of their own (<c>fanout --processes N</c>), so that no single
/// process's socket thread receives every desk's message in turn. The child connects its desks, says how many, waits
/// for a line on its standard input, then writes the moments its desks heard each change, one line per desk.
/// </summary>
public sealed class DeskProcess : IAsyncDisposable
{
    public const string Command = "fanout-desks";
    private const string Report = "report";
    private const string End = "end";
    private readonly Process _process;

    public int Connected { get; }
    public int Failed { get; }

    private DeskProcess(Process process, int connected, int failed) => (_process, Connected, Failed) = (process, connected, failed);

    public static async Task<DeskProcess> StartAsync(string nodes, int first, int count, WatchedChanges watched, bool official)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(DeskProcess).Assembly.Location);
        foreach (var argument in new[] { Command, nodes, $"{first}", $"{count}", $"{watched.OfferingId}", $"{watched.BaseTotal}", $"{watched.Changes}" })
            start.ArgumentList.Add(argument);
        if (official) start.ArgumentList.Add("--signalr-client");
        start.Environment[FanoutCommand.InlineCompletions] = "1";
        // The desks' receives run on the socket thread; the pool's idle workers would only spin on the cores the nodes need.
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        var process = Process.Start(start)!;
        var said = (await process.StandardOutput.ReadLineAsync())?.Split(' ');
        if (said is not ["connected", var connected, var failed])
        {
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"A desk process for clients {first}-{first + count - 1} stopped before its desks were connected.");
        }
        return new DeskProcess(process, int.Parse(connected), int.Parse(failed));
    }

    /// <summary>The CPU the process has used so far.</summary>
    public TimeSpan Cpu()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>What each of its desks still connected heard: per change the moment, or 0 when it never did.</summary>
    public async Task<List<long[]>> HeardAsync()
    {
        await _process.StandardInput.WriteLineAsync(Report);
        await _process.StandardInput.FlushAsync();
        var heard = new List<long[]>();
        while (await _process.StandardOutput.ReadLineAsync() is { } line && line != End)
            heard.Add(line.Split(' ').Select(long.Parse).ToArray());
        return heard;
    }

    /// <summary>The child's side: <c>fanout-desks NODES FIRST COUNT OFFERING BASE-TOTAL CHANGES [--signalr-client]</c>.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var watched = new WatchedChanges(Guid.Parse(args[3]), int.Parse(args[4]), int.Parse(args[5]));
        await using var crowd = await DeskCrowd.ConnectAsync(LoadMarket.ParseNodes(args[0]), int.Parse(args[1]), int.Parse(args[2]), watched,
            official: args.Contains("--signalr-client"));
        Console.Out.WriteLine($"connected {int.Parse(args[2]) - crowd.Failed} {crowd.Failed}");
        // The parent's line (or the end of its input, when it stopped) ends the watch. Console input blocks its thread, and
        // this code may be running on the socket engine's thread (inline completions), which every desk's receive needs.
        await Task.Factory.StartNew(Console.In.ReadLine, TaskCreationOptions.LongRunning);
        var report = new System.Text.StringBuilder();
        foreach (var heard in crowd.StillConnected()) report.AppendJoin(' ', heard).Append('\n');
        report.Append(End).Append('\n');
        Console.Out.Write(report.ToString());
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
