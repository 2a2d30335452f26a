// Password sign-in's pages (provider `basic`): the sign-in form, the registration form and the
// change of password. Errors are the server's messages, shown in the status line.

import { h, show, status } from '../dom.js';
import * as auth from '../auth.js';
import { keepsPasswords } from '../config.js';
import * as passwords from '../passwords.js';
import { api } from '../api.js';
import * as session from '../session.js';

// The original's rule, checked again by the server (which has the last word).
const RULE = 'At least 8 characters with an upper-case letter, a lower-case letter, a digit and a special character; no spaces.';

function field(id, label, attrs) {
  return [h('label', { for: id, text: label }), h('input', { id, name: id, testid: id, required: true, ...attrs })];
}

/** Runs `work` for a form's submit, with the button disabled meanwhile and errors shown. */
function onSubmit(form, submit, progress, work) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    status(progress);
    try {
      await work();
    } catch (error) {
      status(error.message, 'error');
    } finally {
      submit.disabled = false;
    }
  });
}

export function passwordSigninView(config, navigate) {
  const notice = session.takeNotice();
  const [emailLabel, email] = field('signin-email', 'Email', { type: 'email', autocomplete: 'username' });
  const [passwordLabel, password] = field('signin-password', 'Password', { type: 'password', autocomplete: 'current-password' });
  const submit = h('button', { type: 'submit', testid: 'signin-submit' }, 'Sign in');
  const form = h('form', { testid: 'signin-form' }, emailLabel, email, passwordLabel, password, h('div', { class: 'actions' }, submit));
  onSubmit(form, submit, 'Signing in…', async () => {
    await passwords.login(email.value.trim(), password.value);
    password.value = '';
    status('');
    await navigate(auth.returnTo(), { replace: true });
  });
  show(
    h('h1', { text: 'Sign in to Tessera' }),
    notice && h('p', { class: 'message', testid: 'signin-message', text: notice }),
    form,
    keepsPasswords(config) && config.enableSelfSignup
      && h('p', {}, 'No account yet? ', h('a', { href: '/signup', testid: 'signup-link', text: 'Create an account' })),
  );
}

export function passwordSignupView(config, navigate) {
  if (!config.enableSelfSignup) {
    show(
      h('h1', { text: 'Create an account' }),
      h('p', { class: 'message error', testid: 'signup-disabled', text: 'Self sign-up is turned off. Ask an administrator to create your account.' }),
    );
    return;
  }
  const [firstLabel, first] = field('signup-first-name', 'First name', { autocomplete: 'given-name' });
  const [lastLabel, last] = field('signup-last-name', 'Last name', { autocomplete: 'family-name' });
  const [emailLabel, email] = field('signup-email', 'Email', { type: 'email', autocomplete: 'email' });
  const [passwordLabel, password] = field('signup-password', 'Password', {
    type: 'password', autocomplete: 'new-password', 'aria-describedby': 'password-rule',
  });
  const submit = h('button', { type: 'submit', testid: 'signup-submit' }, 'Create my account');
  const form = h(
    'form',
    { testid: 'signup-form' },
    firstLabel, first, lastLabel, last, emailLabel, email, passwordLabel, password,
    h('p', { id: 'password-rule', class: 'hint', text: RULE }),
    h('div', { class: 'actions' }, submit),
  );
  onSubmit(form, submit, 'Creating your account…', async () => {
    await passwords.signup({ firstName: first.value.trim(), lastName: last.value.trim(), email: email.value.trim(), password: password.value });
    await passwords.login(email.value.trim(), password.value);
    password.value = '';
    status('Your account is ready.', 'ok');
    await navigate('/', { replace: true });
  });
  show(h('h1', { text: 'Create an account' }), form, h('p', {}, h('a', { href: '/signin', text: 'I have an account' })));
}

export function changePasswordView() {
  const [oldLabel, old] = field('password-old', 'Current password', { type: 'password', autocomplete: 'current-password' });
  const [newLabel, fresh] = field('password-new', 'New password', {
    type: 'password', autocomplete: 'new-password', 'aria-describedby': 'password-rule',
  });
  const [confirmLabel, confirm] = field('password-confirm', 'New password again', { type: 'password', autocomplete: 'new-password' });
  const submit = h('button', { type: 'submit', testid: 'password-submit' }, 'Change password');
  const form = h(
    'form',
    { testid: 'password-form' },
    oldLabel, old, newLabel, fresh, confirmLabel, confirm,
    h('p', { id: 'password-rule', class: 'hint', text: RULE }),
    h('div', { class: 'actions' }, submit),
  );
  onSubmit(form, submit, 'Changing your password…', async () => {
    const body = { oldPassword: old.value, newPassword: fresh.value, confirmPassword: confirm.value, requestType: 'SELF' };
    await api('/api/v1/users/changePassword', { method: 'PUT', body });
    for (const input of [old, fresh, confirm]) input.value = '';
    status('Your password is changed.', 'ok');
  });
  show(h('h1', { text: 'Change password' }), form);
}
