using Matchmaker.Silo.Access;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Account;

/// <summary>
/// Enrolment in two-step verification, on the first sign-in of a role that needs it (or after 'users reset-mfa'): the
/// new secret is shown as text and as an otpauth:// address, the first code from the app confirms it, and only then are
/// the ten recovery codes shown (once) and the session issued. The secret waits in the pending sign-in's protected cookie
/// until then; nothing is stored before the code is right.
/// </summary>
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class EnrolModel(PendingSignIns pendingSignIns, SecondFactors secondFactors, SignInThrottle throttle, TimeProvider clock) : PageModel
{
    public const string Path = "/account/enrol";

    [BindProperty] public string? Code { get; set; }

    public string Secret { get; private set; } = "";
    public string OtpAuthUri { get; private set; } = "";
    public string? CodeError { get; private set; }
    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];
    public string Next { get; private set; } = "/";

    /// <summary>The secret in groups of four, as people type it into an app.</summary>
    public string SecretForPeople => string.Join(' ', Secret.Chunk(4).Select(group => new string(group)));

    public async Task<IActionResult> OnGetAsync()
    {
        if (await pendingSignIns.ResumeAsync(HttpContext) is not { } resumed) return BackToSignIn();
        if (await secondFactors.IsEnrolledAsync(resumed.User.Id, HttpContext.RequestAborted)) return LocalRedirect(CodeModel.Path);
        Show(resumed.Pending, resumed.User);
        return Page();
    }

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
            return Refused("Vul de code van 6 cijfers in die uw app nu toont.");
        if (await throttle.TakeCodeAttemptAsync(user.Id) is { } until)
            return Refused(SecondFactorRefusalText.Waiting(until, clock));
        var (refusal, recoveryCodes) = await secondFactors.EnrolAsync(user, pending.NewSecret, Code);
        switch (refusal)
        {
            case null:
                break;
            case SecondFactorRefusal.AlreadyEnrolled:
                return LocalRedirect(CodeModel.Path);
            default:
                await throttle.AddressFailedAsync(SignInThrottle.Door.Password, address);
                return Refused(SecondFactorRefusalText.Of(refusal.Value));
        }
        await throttle.CodeSucceededAsync(user.Id);
        PendingSignIns.End(HttpContext);
        await PersonSession.SignInAsync(HttpContext, user, "totp");
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
        OtpAuthUri = SecondFactors.OtpAuthUri(Secret, user.Email);
        Response.Headers.CacheControl = "no-store";
    }

    private PageResult Refused(string sentence)
    {
        CodeError = sentence;
        Code = null;
        return Page();
    }

    private IActionResult BackToSignIn()
    {
        PendingSignIns.End(HttpContext);
        return LocalRedirect("/account/sign-in");
    }
}
