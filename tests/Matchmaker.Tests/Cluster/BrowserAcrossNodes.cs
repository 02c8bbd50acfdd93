using System.Net;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Cluster;

/// <summary>
/// A person's browser talking to the nodes of a cluster as a load balancer without sticky sessions sends it: cookies
/// carried by hand from one node's answer to the next node's request, every request from one client address behind
/// the test's proxy (X-Forwarded-For, believed because the nodes name 127.0.0.1 as their proxy).
/// </summary>
public sealed class BrowserAcrossNodes(string clientAddress) : IDisposable
{
    private readonly Dictionary<string, string> _cookies = [];
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A client address of its own (10.x.y.z), so no other test's counts reach it.</summary>
    public static string NewAddress()
    {
        var bytes = Guid.NewGuid().ToByteArray();
        return $"10.{bytes[0]}.{bytes[1]}.{Math.Max((byte)1, bytes[2])}";
    }

    public async Task<HttpResponseMessage> GetAsync(WebNode node, string path, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node.BaseAddress, path));
        if (bearer is not null) request.Headers.Authorization = new("Bearer", bearer);
        return await SendAsync(request);
    }

    /// <summary>The sign-in page's form, loaded from <paramref name="formFrom"/> and posted to <paramref name="postTo"/>.</summary>
    public async Task<HttpResponseMessage> SignInAsync(WebNode formFrom, WebNode postTo, string handler, Dictionary<string, string> fields)
    {
        var page = await GetAsync(formFrom, "/account/sign-in");
        fields["__RequestVerificationToken"] = Infrastructure.SignIn.AntiforgeryToken(await page.Content.ReadAsStringAsync());
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(postTo.BaseAddress, $"/account/sign-in?handler={handler}"))
        {
            Content = new FormUrlEncodedContent(fields),
        };
        return await SendAsync(post);
    }

    public Task<HttpResponseMessage> SignInWithPasswordAsync(WebNode formFrom, WebNode postTo, string email, string password) =>
        SignInAsync(formFrom, postTo, "Password", new() { ["Input.Email"] = email, ["Input.Password"] = password });

    public bool HasSession => _cookies.ContainsKey("matchmaker");

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        request.Headers.Add("X-Forwarded-For", clientAddress);
        if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        var response = await _http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var set))
            foreach (var pair in set.Select(c => c.Split(';')[0].Split('=', 2)))
                _cookies[pair[0]] = pair[1];
        return response;
    }

    public void Dispose() => _http.Dispose();
}
