"""Django's database sessions, saving an existing session with one UPDATE.

SESSION_SAVE_EVERY_REQUEST (the 30-minute idle timeout, security.md) saves the session on every request, and
Django's database store wraps that save in a transaction: BEGIN, UPDATE, COMMIT. A single UPDATE is atomic on
its own, so an existing session is saved with just that statement; creating one still goes through Django's
code (it relies on the transaction to detect a clashing key). A session deleted meanwhile (signed out in
another tab) raises UpdateError as Django's store does.
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router


class SessionStore(DatabaseSessionStore):
    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        updated = (
            self.model._default_manager.using(using)
            .filter(session_key=obj.session_key)
            .update(session_data=obj.session_data, expire_date=obj.expire_date)
        )
        if not updated:
            raise UpdateError
