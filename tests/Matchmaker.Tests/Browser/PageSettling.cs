using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Playwright;
using IRequest = Microsoft.Playwright.IRequest;

namespace Matchmaker.Tests.Browser;

/// <summary>
/// Going to a page and waiting until its scripts' requests are done (Playwright's network idle: half a second without a
/// request in flight). When that does not come in time, the failure names the page and every request still in flight
/// with how long it has waited, so a hang in CI says where it is instead of only "Timeout 30000ms exceeded".
/// </summary>
public static class PageSettling
{
    public static async Task GotoAndSettleAsync(this IPage page, string path)
    {
        var clock = Stopwatch.StartNew();
        var inFlight = new ConcurrentDictionary<IRequest, long>();
        void Started(object? sender, IRequest request) => inFlight[request] = clock.ElapsedMilliseconds;
        void Ended(object? sender, IRequest request) => inFlight.TryRemove(request, out _);
        page.Request += Started;
        page.RequestFinished += Ended;
        page.RequestFailed += Ended;
        try
        {
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }
        catch (TimeoutException timeout)
        {
            var now = clock.ElapsedMilliseconds;
            var pending = inFlight.Select(entry => $"{entry.Key.Method} {entry.Key.Url} ({entry.Key.ResourceType}, waiting {now - entry.Value} ms)");
            throw new TimeoutException(
                $"{path} did not settle within {now} ms; in flight: {string.Join("; ", pending.DefaultIfEmpty("nothing"))}", timeout);
        }
        finally
        {
            page.Request -= Started;
            page.RequestFinished -= Ended;
            page.RequestFailed -= Ended;
        }
    }
}
