"""Who is using pneumo and what they may do: an ``Identity`` (signed in through the hospital's
OpenID Connect provider, or typed in demo mode and marked unverified) and the ``AccessPolicy``
that maps the provider's claims to pneumo's roles (doctor, reviewer).

May import: ``pneumo_core.errors`` and the standard library only. Never streamlit: the pages hand
the signed-in user's claims (``st.user``) and the policy's configuration (``st.secrets``) in.
"""
