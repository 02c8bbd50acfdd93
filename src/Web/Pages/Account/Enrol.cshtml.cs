using Matchmaker.Silo.Access;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Account;

/// <summary>
/// Enrolment in two-step verification, on the first sign-in of a role that needs it (or after 'users reset-mfa'): the
/// new secret is shown as text and as an otpauth:// address, the first code from the app confirms it, and only then are
/// the ten recovery codes shown (once) and the session issued. The secret waits in the pending sign-in's protected cookie
/// until then; nothing is stored before the code is right. Or, where passkeys are on (<see cref="Passkeys"/>) and the
/// browser runs the page's script, a passkey instead: the browser makes one for the server's options (their challenge
/// kept server-side, used once) and the engine verifies and stores it; then the same recovery codes and session follow.
/// </summary>
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class EnrolModel(PendingSignIns pendingSignIns, SecondFactors secondFactors, Passkeys passkeys, SignInThrottle throttle, TimeProvider clock) : PageModel
{
    public const string Path = "/account/enrol";

    [BindProperty] public string? Code { get; set; }
    [BindProperty] public Guid? PasskeyChallengeId { get; set; }
    [BindProperty] public string? PasskeyAnswer { get; set; }

    /// <summary>The options for <c>navigator.credentials.create</c>, or null where passkeys are off.</summary>
    public PasskeyChallenge? Passkey { get; private set; }
    public string? PasskeyError { get; private set; }

    public string Secret { get; private set; } = "";
    public string OtpAuthUri { get; private set; } = "";
    public string? CodeError { get; private set; }
    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];
    public string Next { get; private set; } = "/";
    /// <summary>An operator sees no children's data: the page gives them their own reason for the second step.</summary>
    public bool IsOperator { get; private set; }

    /// <summary>The secret in groups of four, as people type it into an app.</summary>
    public string SecretForPeople => string.Join(' ', Secret.Chunk(4).Select(group => new string(group)));

    public async Task<IActionResult> OnGetAsync()
    {
        if (await pendingSignIns.ResumeAsync(HttpContext) is not { } resumed) return BackToSignIn();
        if (await secondFactors.IsEnrolledAsync(resumed.User.Id, HttpContext.RequestAborted)) return LocalRedirect(CodeModel.Path);
        Show(resumed.Pending, resumed.User);
        await OfferPasskeyAsync(resumed.User);
        return Page();
    }

    /// <summary>The browser's answer for a new passkey; every check is the engine's (<see cref="Passkeys.EnrolAsync"/>).</summary>
    public async Task<IActionResult> OnPostPasskeyAsync()
    {
        if (await pendingSignIns.ResumeAsync(HttpContext) is not { } resumed) return BackToSignIn();
        var (pending, user) = resumed;
        if (RelyingParty() is not { } party) return LocalRedirect(Path);
        Show(pending, user);
        var address = ClientAddress.Of(HttpContext);
        if (await throttle.AddressBlockedAsync(SignInThrottle.Door.Password, address, HttpContext.RequestAborted) is { } wait)
            return CodeModel.TooManyAttempts(HttpContext, this, wait);
        if (await throttle.TakeCodeAttemptAsync(user.Id) is { } until)
            return await PasskeyRefusedAsync(user, SecondFactorRefusalText.Waiting(until, clock));
        var (refusal, recoveryCodes) = await passkeys.EnrolAsync(user, party, PasskeyChallengeId, PasskeyAnswer);
        switch (refusal)
        {
            case null:
                break;
            case PasskeyRefusal.AlreadyEnrolled:
                return LocalRedirect(CodeModel.Path);
            default:
                await throttle.AddressFailedAsync(SignInThrottle.Door.Password, address);
                return await PasskeyRefusedAsync(user, PasskeyRefusalText.Of(refusal.Value));
        }
        await throttle.CodeSucceededAsync(user.Id);
        PendingSignIns.End(HttpContext);
        await PersonSession.SignInAsync(HttpContext, user, "passkey", pending.Organisation, pending.OrganisationSession);
        RecoveryCodes = recoveryCodes;
        Next = pending.ReturnUrl is { } url && Url.IsLocalUrl(url) ? url : SignInModel.HomeOf(user.Role);
        return Page();
    }

    private async Task<PageResult> PasskeyRefusedAsync(Accounts.Account user, string sentence)
    {
        PasskeyError = sentence;
        await OfferPasskeyAsync(user);
        return Page();
    }

    /// <summary>A fresh challenge for a passkey, where passkeys are on here.</summary>
    private async Task OfferPasskeyAsync(Accounts.Account user)
    {
        if (RelyingParty() is { } party) Passkey = await passkeys.BeginEnrolmentAsync(user, party);
    }

    private RelyingParty? RelyingParty() => passkeys.For($"{Request.Scheme}://{Request.Host}");

    public async Task<IActionResult> OnPostAsync()
    {
        if (await pendingSignIns.ResumeAsync(HttpContext) is not { } resumed) return BackToSignIn();
        var (pending, user) = resumed;
        if (pending.NewSecret is null) return LocalRedirect(Path);
        Show(pending, user);
        var address = ClientAddress.Of(HttpContext);
        if (await throttle.AddressBlockedAsync(SignInThrottle.Door.Password, address, HttpContext.RequestAborted) is { } wait)
            return CodeModel.TooManyAttempts(HttpContext, this, wait);
        if (string.IsNullOrWhiteSpace(Code))
            return await RefusedAsync(user, "Vul de code van 6 cijfers in die uw app nu toont.");
        if (await throttle.TakeCodeAttemptAsync(user.Id) is { } until)
            return await RefusedAsync(user, SecondFactorRefusalText.Waiting(until, clock));
        var (refusal, recoveryCodes) = await secondFactors.EnrolAsync(user, pending.NewSecret, Code);
        switch (refusal)
        {
            case null:
                break;
            case SecondFactorRefusal.AlreadyEnrolled:
                return LocalRedirect(CodeModel.Path);
            default:
                await throttle.AddressFailedAsync(SignInThrottle.Door.Password, address);
                return await RefusedAsync(user, SecondFactorRefusalText.Of(refusal.Value));
        }
        await throttle.CodeSucceededAsync(user.Id);
        PendingSignIns.End(HttpContext);
        await PersonSession.SignInAsync(HttpContext, user, "totp", pending.Organisation, pending.OrganisationSession);
        RecoveryCodes = recoveryCodes;
        Next = pending.ReturnUrl is { } url && Url.IsLocalUrl(url) ? url : SignInModel.HomeOf(user.Role);
        // Shown once: not kept by the browser's cache.
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    /// <summary>The secret of this enrolment: made on the first visit and kept in the pending sign-in until it is confirmed.</summary>
    private void Show(PendingSignIns.Pending pending, Accounts.Account user)
    {
        if (pending.NewSecret is null)
        {
            pending = pending with { NewSecret = SecondFactors.NewSecret() };
            pendingSignIns.Write(HttpContext, pending);
        }
        Secret = pending.NewSecret!;
        IsOperator = user.Role == Roles.Admin;
        OtpAuthUri = SecondFactors.OtpAuthUri(Secret, user.Email);
        Response.Headers.CacheControl = "no-store";
    }

    private async Task<PageResult> RefusedAsync(Accounts.Account user, string sentence)
    {
        CodeError = sentence;
        Code = null;
        await OfferPasskeyAsync(user);
        return Page();
    }

    private IActionResult BackToSignIn()
    {
        PendingSignIns.End(HttpContext);
        return LocalRedirect("/account/sign-in");
    }
}
