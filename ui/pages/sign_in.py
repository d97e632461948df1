"""Sign in with the stack's Cognito user pool (SRP against AWS; the password flow against the local pool,
whose SRP does not check passwords)."""

from __future__ import annotations

import streamlit as st
from botocore.exceptions import BotoCoreError, ClientError

from ui import language, session
from ui.client import ApiError, NewPasswordRequiredError, sign_in, sign_in_srp
from ui.i18n import has, t

COGNITO_WRONG = ("NotAuthorizedException", "UserNotFoundException")  # one message for both: do not reveal which

st.title(t("signin.title"), anchor=False)
st.caption(t("signin.intro"))
language.switch("sign_in")
try:
    outputs = session.outputs()
except (OSError, ValueError, KeyError) as err:
    st.error(t("signin.no_outputs", path=session.outputs_path(), cause=err))
    st.stop()

changing = st.session_state.get("new_password_for")
with st.form("sign-in"):
    username = st.text_input(t("signin.email"), value=changing or "", placeholder="name@example.com")
    password = st.text_input(t("signin.temporary_password" if changing else "signin.password"), type="password")
    new_password = st.text_input(t("signin.new_password"), type="password") if changing else None
    submitted = st.form_submit_button(t("signin.submit"), type="primary", icon=":material/login:")
if outputs.demo_users:
    st.caption(t("signin.demo_users", users=", ".join(f"`{name}` / `{secret}`" for name, secret in outputs.demo_users)))

if submitted:
    flow = sign_in if outputs.cognito_endpoint else sign_in_srp
    try:
        session.remember(flow(outputs, username.strip(), password, new_password or None))
        st.session_state.pop("new_password_for", None)
        st.rerun()
    except NewPasswordRequiredError:
        st.session_state["new_password_for"] = username.strip()
        st.rerun()
    except ApiError as err:
        session.show_error(err)
    except ClientError as err:
        code = err.response["Error"]["Code"]
        if code in COGNITO_WRONG:
            st.error(t("signin.wrong"))
        else:
            words = t(f"cognito.{code}") if has(f"cognito.{code}") else t("cognito.other")
            st.error(f"{words}\n\n`{code}`: {err.response['Error'].get('Message', '')}")
    except BotoCoreError as err:
        st.error(t("signin.cognito_unreachable", cause=err))
if changing:
    st.warning(t("signin.must_change", user=changing))
