using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Matchmaker.Tests.Infrastructure;

/// <summary>A real Matchmaker web process on a free loopback port, on a test database; stopped when disposed.</summary>
public sealed class WebNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    public Uri BaseAddress { get; }

    /// <summary>The process's own HOME folder, as if each node ran on a machine of its own: nothing is shared through it.</summary>
    public string Home { get; }

    private WebNode(Process process, Uri baseAddress, string home)
    {
        _process = process;
        BaseAddress = baseAddress;
        Home = home;
    }

    public string Output
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    /// <summary>Starts a node and waits until it is ready.</summary>
    public static async Task<WebNode> StartAsync(TestDatabase database, IDictionary<string, string>? settings = null)
    {
        var node = Launch(database, settings);
        try
        {
            await node.WaitUntilReadyAsync(TimeSpan.FromSeconds(180));
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a node without waiting for it.</summary>
    public static WebNode Launch(TestDatabase database, IDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        // The web project's folder is the content root, so the node serves wwwroot (CSS, scripts) as `dotnet run` does.
        var contentRoot = Path.Combine(RepositoryRoot(), "src", "Web");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = contentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Matchmaker.Web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(contentRoot);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Test";
        start.Environment["Database__Provider"] = database.Provider;
        start.Environment["ConnectionStrings__Matchmaker"] = database.ConnectionString;
        start.Environment["Demo__Enabled"] = "true";
        start.Environment["Demo__Scale"] = "small";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment[MatchmakerWebFactory.NoReloadOnChange] = "false";
        start.Environment["Orleans__SiloPort"] = FreePort().ToString();
        // Open sockets are re-checked every second here (30 s in production), so a test sees a session's end close them.
        start.Environment["Live__RecheckSeconds"] = "1";
        var home = Directory.CreateTempSubdirectory("matchmaker-node-home-").FullName;
        start.Environment["HOME"] = home;
        // The key ring's certificate, as an operator names it (KeyRingTests clear it to try the generated one).
        foreach (var (key, value) in TestKeyRing.Settings)
            start.Environment[key] = value;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        var process = Process.Start(start)!;
        var node = new WebNode(process, new Uri($"http://127.0.0.1:{port}"), home);
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    public async Task WaitUntilReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The web node exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The web node did not become ready within {within.TotalSeconds:0} s:\n{Output}");
    }

    /// <summary>Waits until the node has printed a line containing <paramref name="text"/>; false when it did not in time.</summary>
    public async Task<bool> PrintedAsync(string text, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            if (Output.Contains(text, StringComparison.Ordinal)) return true;
            await Task.Delay(200);
        }
        // A process that exited may still have lines on their way from its output pipes: this waits for their end.
        if (_process.HasExited) await _process.WaitForExitAsync();
        return Output.Contains(text, StringComparison.Ordinal);
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Matchmaker.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Matchmaker.sln not found above the test binaries.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>kill -9: the node vanishes mid-work, as when its machine dies.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the node shuts down gracefully (its silo hands its grains over), as in a rolling restart.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
            await signal.WaitForExitAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public HttpClient Client(string bearerToken)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearerToken);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(Home, recursive: true);
    }
}
