"""Sign in with the stack's Cognito user pool (SRP against AWS; the password flow against the local pool,
whose SRP does not check passwords)."""

from __future__ import annotations

import streamlit as st
from botocore.exceptions import BotoCoreError, ClientError

from ui import session
from ui.client import ApiError, NewPasswordRequiredError, sign_in, sign_in_srp

st.title("Bedrock GenAI Stack")
try:
    outputs = session.outputs()
except (OSError, ValueError, KeyError) as err:
    st.error(f"No stack outputs at {session.outputs_path()}: start `make dev`, or set GENAI_OUTPUTS to a deployed stack's outputs ({err}).")
    st.stop()

changing = st.session_state.get("new_password_for")
with st.form("sign-in"):
    username = st.text_input("E-mail", value=changing or "")
    password = st.text_input("Password", type="password")
    new_password = st.text_input("New password", type="password") if changing else None
    submitted = st.form_submit_button("Sign in", type="primary")
if outputs.demo_users:
    st.caption("Local stack demo users: " + ", ".join(f"`{name}` / `{secret}`" for name, secret in outputs.demo_users))

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
        if code in ("NotAuthorizedException", "UserNotFoundException"):
            st.error("Wrong e-mail or password.")
        else:
            st.error(f"{code}: {err.response['Error'].get('Message', '')}")
    except BotoCoreError as err:
        st.error(f"Cognito did not answer: {err}")
if changing:
    st.warning(f"{changing} must choose a new password: enter the temporary one and a new one.")
