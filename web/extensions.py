"""Flask extensions as module-level objects, bound to the app in `create_app`."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

login_manager = LoginManager()
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
