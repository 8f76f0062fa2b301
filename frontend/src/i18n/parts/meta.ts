// Words of the Facebook and Instagram channels on the Integrations page: the login buttons, the page chooser and the
// outcomes of Meta's login. Every key needs both languages: `ru` is typed by `en`'s keys.
export const en = {
  "meta.intro.facebook": "Answer Messenger chats of your Facebook Page. Log in with the Facebook account that manages the Page.",
  "meta.intro.instagram":
    "Answer Instagram Direct messages of your professional account. It must be linked to a Facebook Page you manage.",
  "meta.login.facebook": "Log in with Facebook",
  "meta.login.instagram": "Log in with Instagram",
  "meta.opening": "Opening Facebook…",
  "meta.outcome.no_pages.facebook": "Your Facebook account manages no Page we could connect. Create a Page, or log in with the account that manages it.",
  "meta.outcome.no_pages.instagram": "None of your Pages has an Instagram professional account linked to it. Link one in Instagram's settings, then log in again.",
  "meta.outcome.denied": "Not connected: the permissions were not granted on Facebook's page.",
  "meta.outcome.failed": "Not connected: Facebook did not answer as expected. Please try again.",
  "meta.choose.title": "Choose the Page to connect",
  "meta.choose.hint": "Your Facebook account manages several Pages. Choose the one whose messages this company answers.",
  "meta.choose.instagram": "Instagram: linked",
  "meta.choose.connect": "Connect this Page",
  "meta.choose.expired": "The list of Pages has expired. Log in again to choose.",
  "meta.window": "Meta lets a business reply only within 24 hours of the customer's last message.",
  "meta.tokenExpired": "The Page's access has expired. Log in again to keep answering.",
} as const;

export const ru: Record<keyof typeof en, string> = {
  "meta.intro.facebook": "Отвечайте в чатах Messenger вашей страницы Facebook. Войдите через аккаунт Facebook, который управляет страницей.",
  "meta.intro.instagram":
    "Отвечайте на сообщения в Instagram Direct вашего профессионального аккаунта. Он должен быть связан со страницей Facebook, которой вы управляете.",
  "meta.login.facebook": "Войти через Facebook",
  "meta.login.instagram": "Войти через Instagram",
  "meta.opening": "Открываем Facebook…",
  "meta.outcome.no_pages.facebook": "Ваш аккаунт Facebook не управляет ни одной страницей, которую можно подключить. Создайте страницу или войдите через аккаунт, который ею управляет.",
  "meta.outcome.no_pages.instagram": "Ни с одной из ваших страниц не связан профессиональный аккаунт Instagram. Свяжите его в настройках Instagram и войдите снова.",
  "meta.outcome.denied": "Не подключено: разрешения не были выданы на странице Facebook.",
  "meta.outcome.failed": "Не подключено: Facebook ответил не так, как ожидалось. Попробуйте ещё раз.",
  "meta.choose.title": "Выберите страницу для подключения",
  "meta.choose.hint": "Ваш аккаунт Facebook управляет несколькими страницами. Выберите ту, на сообщения которой отвечает эта компания.",
  "meta.choose.instagram": "Instagram: связан",
  "meta.choose.connect": "Подключить эту страницу",
  "meta.choose.expired": "Список страниц устарел. Войдите снова, чтобы выбрать.",
  "meta.window": "Meta разрешает бизнесу отвечать только в течение 24 часов после последнего сообщения клиента.",
  "meta.tokenExpired": "Доступ к странице истёк. Войдите снова, чтобы продолжать отвечать.",
} as const;
