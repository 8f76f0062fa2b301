"""The Russian catalogue: every ``msg(...)`` template in ``x8/`` (its English text) and its Russian.

Keep a translation's ``{parameters}`` the same as the English ones; plural forms are one|few|many
(``{n:plural:попытка|попытки|попыток}``: 1, 21 попытка; 2–4 попытки; 5–20 попыток). A fragment that another
message puts in its sentence (``{what}``) is written in the case that sentence needs; its comment says which.
``tests/platform/test_i18n_catalogue.py`` checks that every template has its translation with the same parameters,
and that nothing here is left over after a message changes.
"""

from __future__ import annotations

RU: dict[str, str] = {
    # The API in general (x8/kit)
    "Something went wrong on our side. Nothing was saved; please try again.": (
        "Что-то пошло не так на нашей стороне. Ничего не сохранено; попробуйте ещё раз."
    ),
    "Method Not Allowed: this endpoint takes {methods}.": "Метод не поддерживается: этот адрес принимает {methods}.",
    "Method Not Allowed": "Метод не поддерживается",
    "No such API endpoint.": "Такого адреса API нет.",
    "Sign in to continue: no valid access token was given.": (
        "Войдите, чтобы продолжить: действующий токен доступа не передан."
    ),
    "JSON nested too deeply": "Слишком глубокая вложенность JSON",
    "The request body is larger than {megabytes:.0f} MB.": "Тело запроса больше {megabytes:.0f} МБ.",
    "The request body is larger than {kilobytes} KB.": "Тело запроса больше {kilobytes} КБ.",
    "Must not be blank.": "Не может быть пустым.",
    "Too many {what}. Try again in {seconds} {seconds:plural:second|seconds}.": (
        "Слишком много {what}. Попробуйте снова через {seconds} {seconds:plural:секунду|секунды|секунд}."
    ),
    # What a rate limit counts: genitive plural, after "Слишком много".
    "code requests": "запросов кода",
    "sign-in attempts": "попыток входа",
    "failed sign-in attempts": "неудачных попыток входа",
    "new companies": "новых компаний",
    # Accounts and sign-in
    "An account with this email already exists. Sign in or reset your password.": (
        "Аккаунт с таким email уже есть. Войдите или восстановите пароль."
    ),
    "Incorrect email or password.": "Неверный email или пароль.",
    "This account is disabled. Contact support.": "Этот аккаунт отключён. Обратитесь в поддержку.",
    "This account is disabled.": "Этот аккаунт отключён.",
    "There is no active code for this email. Request a new one.": (
        "Для этого email нет действующего кода. Запросите новый."
    ),
    "There is no active code for this email. It was already used or replaced; request a new one.": (
        "Для этого email нет действующего кода: он уже использован или заменён. Запросите новый."
    ),
    "This code has expired. Request a new one.": "Срок действия кода истёк. Запросите новый.",
    "Too many wrong attempts. Request a new code.": "Слишком много неверных попыток. Запросите новый код.",
    "Wrong code. No attempts left: request a new code.": "Неверный код. Попыток не осталось: запросите новый код.",
    "Wrong code. {left} {left:plural:attempt|attempts} left.": (
        "Неверный код. {left:plural:Осталась|Осталось|Осталось} {left} {left:plural:попытка|попытки|попыток}."
    ),
    "This code was already used. Request a new one.": "Этот код уже использован. Запросите новый.",
    "Verify your email with the code we sent before completing registration.": (
        "Прежде чем завершить регистрацию, подтвердите email кодом из письма."
    ),
    "This sign-in link is invalid, was already used or has expired. Request a new one.": (
        "Эта ссылка для входа недействительна, уже использована или устарела. Запросите новую."
    ),
    "The current password is incorrect.": "Текущий пароль указан неверно.",
    "Password must be at least {min} characters long.": (
        "Пароль должен содержать не меньше {min} {min:plural:символа|символов|символов}."
    ),
    "Password must be at most {max} characters long.": (
        "Пароль должен содержать не больше {max} {max:plural:символа|символов|символов}."
    ),
    "Password must contain at least one letter and one digit.": (
        "Пароль должен содержать хотя бы одну букву и одну цифру."
    ),
    "This password is too common.": "Этот пароль слишком распространён.",
    "We sent a 6-digit code to your email.": "Мы отправили 6-значный код на ваш email.",
    "Signed out.": "Вы вышли из аккаунта.",
    "If an account exists for this email, we sent it a reset code.": (
        "Если аккаунт с этим email существует, мы отправили на него код для сброса пароля."
    ),
    "If an account exists for this email, we sent it a sign-in link.": (
        "Если аккаунт с этим email существует, мы отправили на него ссылку для входа."
    ),
    "Your password was changed. Sign in with the new password.": "Пароль изменён. Войдите с новым паролем.",
    "Password changed.": "Пароль изменён.",
    "Invalid or expired refresh token. Please sign in again.": (
        "Токен обновления недействителен или устарел. Войдите снова."
    ),
    "This refresh token was already used, so the session was signed out for safety.": (
        "Этот токен обновления уже использовался, поэтому сеанс завершён в целях безопасности."
    ),
    "This session has ended. Please sign in again.": "Сеанс завершён. Войдите снова.",
    "Sign in to continue: no access token was given.": "Войдите, чтобы продолжить: токен доступа не передан.",
    "Invalid or expired access token.": "Токен доступа недействителен или устарел.",
    "The tenant key is missing, wrong or revoked.": "Ключ компании не передан, неверен или отозван.",
    "This key may not {scope}.": "Этому ключу не разрешено: {scope}.",
    "This action needs the {roles:or} role.": "Для этого действия нужна роль {roles:or}.",
    # Sign-in with Google and Facebook
    "Unknown sign-in provider.": "Неизвестный способ входа.",
    "{provider} sign-in is not configured on this server.": "Вход через {provider} на этом сервере не настроен.",
    "The sign-in request is missing its state. Start the sign-in again.": (
        "В запросе на вход нет параметра state. Начните вход заново."
    ),
    "The sign-in state is invalid or expired. Start the sign-in again.": (
        "Параметр state недействителен или устарел. Начните вход заново."
    ),
    "The sign-in state does not match this browser. Start the sign-in again.": (
        "Параметр state не подходит к этому браузеру. Начните вход заново."
    ),
    "Your {provider} account has no verified email, so we cannot sign you in with it. Register with your email "
    "instead.": (
        "У вашего аккаунта {provider} нет подтверждённого email, поэтому войти через него нельзя. "
        "Зарегистрируйтесь по email."
    ),
    "{provider} sign-in was cancelled.": "Вход через {provider} отменён.",
    "{provider} is not answering right now. Try again.": "{provider} сейчас не отвечает. Попробуйте ещё раз.",
    "{what} is not answering right now. Try again in a moment.": (
        "{what} сейчас не отвечает. Попробуйте ещё раз через минуту."
    ),
    "{what} sent an answer we could not read.": "{what} прислал ответ, который не удалось прочитать.",
    "{what} refused the sign-in. Please try again.": "{what} отклонил вход. Попробуйте ещё раз.",
    "Google sent no account id.": "Google не передал идентификатор аккаунта.",
    "Google refused the sign-in. Please try again.": "Google отклонил вход. Попробуйте ещё раз.",
    "Facebook sent no access token.": "Facebook не передал токен доступа.",
    "Facebook sent no account id.": "Facebook не передал идентификатор аккаунта.",
    # Google (x8/integrations/google)
    "Google is not answering right now. Try again in a moment.": (
        "Google сейчас не отвечает. Попробуйте ещё раз через минуту."
    ),
    "Google sent an answer we could not read. Try again in a moment.": (
        "Google прислал ответ, который не удалось прочитать. Попробуйте ещё раз через минуту."
    ),
    "Google asked us to slow down. Try again in a moment.": (
        "Google просит отправлять запросы реже. Попробуйте ещё раз через минуту."
    ),
    "Google access for this account has expired or was revoked. Connect the Google account again.": (
        "Доступ к Google для этого аккаунта истёк или отозван. Подключите аккаунт Google заново."
    ),
    "Google is not set up correctly on this server (Google did not accept its client). Contact support.": (
        "Google на этом сервере настроен неправильно (Google не принял его клиент). Обратитесь в поддержку."
    ),
    "Google did not accept the request. Please try again.": "Google не принял запрос. Попробуйте ещё раз.",
    "Google did not accept the request.": "Google не принял запрос.",
    "Google sent no access token.": "Google не передал токен доступа.",
    "Google did not allow this for the connected account; it may need to be connected again with more access.": (
        "Google не разрешил это для подключённого аккаунта; возможно, его нужно подключить заново с более "
        "широким доступом."
    ),
    "Google could not find what was asked for.": "Google не нашёл запрошенное.",
    "Google no longer accepts this account's access. Connect the Google account again.": (
        "Google больше не принимает доступ этого аккаунта. Подключите аккаунт Google заново."
    ),
    # Admin and managers
    "Manager not found.": "Менеджер не найден.",
    "Business not found.": "Бизнес не найден.",
    "This business already has a manager. Send reassign=true to move it to another manager.": (
        "У этого бизнеса уже есть менеджер. Передайте reassign=true, чтобы закрепить его за другим менеджером."
    ),
    "This manager account is disabled.": "Аккаунт этого менеджера отключён.",
    # Companies
    "Company not found.": "Компания не найдена.",
    "Managers can view their businesses' companies; the business owner edits them.": (
        "Менеджеры видят компании своих бизнесов; изменяет их владелец бизнеса."
    ),
    "Only a business account can create companies.": "Создавать компании может только аккаунт бизнеса.",
    "Your trial or subscription has ended, so new channels cannot be added. Choose a plan on the Billing page; "
    "your data is kept.": (
        "Пробный период или подписка закончились, поэтому новые каналы добавить нельзя. Выберите тариф на "
        "странице «Оплата»; ваши данные сохранены."
    ),
    "Your plan allows {limit} {limit:plural:channel|channels} across all companies and {in_use} "
    "{in_use:plural:is|are} already in use. Upgrade your plan to add more.": (
        "Ваш тариф позволяет {limit} {limit:plural:канал|канала|каналов} на все компании, а занято уже "
        "{in_use}. Перейдите на тариф выше, чтобы добавить ещё."
    ),
    "This account can have at most {limit} {limit:plural:company|companies}. Delete one, or ask us to raise the "
    "limit.": (
        "У этого аккаунта может быть не больше {limit} {limit:plural:компании|компаний|компаний}. Удалите одну "
        "или попросите нас увеличить лимит."
    ),
    "Unknown time zone {value!r}; use an IANA name such as Europe/Berlin.": (
        "Неизвестный часовой пояс «{value}»; укажите название из базы IANA, например Europe/Moscow."
    ),
    "The web playground is always available and is not chosen as a channel.": (
        "Веб-песочница доступна всегда, её не нужно выбирать как канал."
    ),
    "Unknown channel {value!r}.": "Неизвестный канал «{value}».",
    "A channel is listed twice.": "Канал указан дважды.",
    # Channels and webhooks
    "Channel not found.": "Канал не найден.",
    "No WhatsApp channel has this session.": "Ни у одного канала WhatsApp нет такой сессии.",
    "The channel changed while it was being connected.": "Канал изменился, пока его подключали.",
    "The channel was disconnected.": "Канал отключён.",
    "{reason} Please try again in a moment.": "{reason} Попробуйте ещё раз через минуту.",
    "{reason} The channel is still connected; please try again.": (
        "{reason} Канал по-прежнему подключён; попробуйте ещё раз."
    ),
    "The event is not JSON the provider sends.": "Событие — не тот JSON, который присылает провайдер.",
    "The event is not a JSON object.": "Событие — не JSON-объект.",
    "Telegram: {description}": "Telegram: {description}",
    "Telegram did not answer in time.": "Telegram не ответил вовремя.",
    "Telegram could not be reached.": "Не удалось связаться с Telegram.",
    "The Telegram secret token is missing or wrong.": "Секретный токен Telegram не передан или неверен.",
    "WhatsApp (WAHA) is not configured on this server.": "WhatsApp (WAHA) на этом сервере не настроен.",
    "WhatsApp (WAHA) did not answer in time.": "WhatsApp (WAHA) не ответил вовремя.",
    "WhatsApp (WAHA) could not be reached.": "Не удалось связаться с WhatsApp (WAHA).",
    "WhatsApp (WAHA) answered {status}: {detail}": "WhatsApp (WAHA) ответил {status}: {detail}",
    "The WAHA webhook signature (X-Webhook-Hmac) is missing or wrong.": (
        "Подпись вебхука WAHA (X-Webhook-Hmac) не передана или неверна."
    ),
    # --- meta ---
    # Facebook Messenger and Instagram (x8/channel_adapters/meta.py, x8/integrations/meta, x8/platform/channels/meta_*)
    "Meta webhooks are verified with the owning app's secret.": (
        "Вебхуки Meta проверяются секретом приложения, которому принадлежит страница."
    ),
    "A page token and a page are needed to connect.": "Для подключения нужны страница и её токен.",
    "Meta: {text}": "Meta: {text}",
    "Meta: the page's access has expired or was revoked (code 190). Log in with Facebook again.": (
        "Meta: доступ к странице истёк или был отозван (код 190). Войдите через Facebook снова."
    ),
    "Meta: too many messages at once (code {code}); they will be retried.": (
        "Meta: слишком много сообщений сразу (код {code}); они будут отправлены повторно."
    ),
    "Meta: this person cannot be reached right now (code 551).": (
        "Meta: сейчас этому человеку нельзя написать (код 551)."
    ),
    "Meta: the app is not allowed to do this (code {code}): {text}. Check the page's permissions and log in again.": (
        "Meta: у приложения нет разрешения на это действие (код {code}): {text}. Проверьте разрешения страницы и "
        "войдите снова."
    ),
    "Meta gave no access token for this login.": "Meta не выдала токен доступа для этого входа.",
    "Meta did not answer in time.": "Meta не ответила вовремя.",
    "Meta could not be reached.": "Не удалось связаться с Meta.",
    "Meta answered something that is not JSON.": "Meta прислала ответ не в формате JSON.",
    "No Facebook Pages are waiting for a choice. Log in with Facebook again.": (
        "Нет страниц Facebook, ожидающих выбора. Войдите через Facebook снова."
    ),
    "The Meta login is missing its state. Log in with Facebook again.": (
        "В ответе входа Meta нет параметра state. Войдите через Facebook снова."
    ),
    "The Meta login expired or is invalid. Log in with Facebook again.": (
        "Вход через Meta устарел или недействителен. Войдите через Facebook снова."
    ),
    "The Meta app of this login is no longer in the pool. Log in with Facebook again.": (
        "Приложения Meta, через которое выполнялся вход, больше нет в пуле. Войдите через Facebook снова."
    ),
    "This page is already connected to another company. Disconnect it there first.": (
        "Эта страница уже подключена к другой компании. Сначала отключите её там."
    ),
    "This page was not among the pages of your Facebook login.": (
        "Этой страницы не было среди страниц, полученных при входе через Facebook."
    ),
    "This page has no Instagram professional account linked to it.": (
        "С этой страницей не связан профессиональный аккаунт Instagram."
    ),
    "No Meta app is available for this yet. Please try again later or contact support.": (
        "Для этого пока нет доступного приложения Meta. Попробуйте позже или напишите в поддержку."
    ),
    "The signed_request is not signed by any of this platform's Meta apps.": (
        "signed_request не подписан ни одним из приложений Meta этой платформы."
    ),
    "The signed_request is not one Meta sends.": "Такой signed_request Meta не присылает.",
    "The signed_request names no user.": "В signed_request не указан пользователь.",
    "No data-deletion request has this confirmation code.": (
        "Нет запроса на удаление данных с таким кодом подтверждения."
    ),
    "The Meta webhook verification failed.": "Проверка вебхука Meta не пройдена.",
    "The Meta webhook signature (X-Hub-Signature-256) is missing or wrong.": (
        "Подпись вебхука Meta (X-Hub-Signature-256) не передана или неверна."
    ),
    "This delivery is not signed by the Meta app the page is subscribed to.": (
        "Это событие подписано не тем приложением Meta, на которое подписана страница."
    ),
    "Meta allows replies only within 24 hours of the customer's last message, and that was longer ago. "
    "The customer has to write first.": (
        "Meta разрешает отвечать только в течение 24 часов после последнего сообщения клиента, а оно было раньше. "
        "Сначала должен написать клиент."
    ),
    # --- tiktok ---
    # TikTok ads → WhatsApp leads (x8/platform/tiktok, x8/channel_adapters/tiktok.py)
    "This company has no such WhatsApp channel.": "У этой компании нет такого канала WhatsApp.",
    "Connect WhatsApp first: TikTok leads arrive on WhatsApp, so its session must be connected.": (
        "Сначала подключите WhatsApp: заявки из TikTok приходят в WhatsApp, поэтому его сессия должна быть подключена."
    ),
    "WhatsApp did not tell its own number yet. Please try again in a moment.": (
        "WhatsApp ещё не сообщил свой номер. Попробуйте ещё раз через минуту."
    ),
    "The WhatsApp session has no phone number yet: scan the QR code first.": (
        "У сессии WhatsApp пока нет номера телефона: сначала отсканируйте QR-код."
    ),
    "Connect TikTok first: links lead to the WhatsApp channel it is connected to.": (
        "Сначала подключите TikTok: ссылки ведут в канал WhatsApp, к которому он подключён."
    ),
    "Could not make a new link. Please try again.": "Не удалось создать ссылку. Попробуйте ещё раз.",
    "Link not found.": "Ссылка не найдена.",
    "TikTok has no messages of its own: replies go out on WhatsApp.": (
        "В TikTok нет своих сообщений: ответы уходят в WhatsApp."
    ),
    "This link is no longer active": "Эта ссылка больше не действует",
    "The offer may have ended. Please look for the business's current ad or contact them directly.": (
        "Возможно, предложение закончилось. Найдите актуальную рекламу компании или свяжитесь с ней напрямую."
    ),
    # What a rate limit counts: genitive plural, after "Слишком много".
    "link clicks": "переходов по ссылке",
    # Conversations
    "Conversation not found.": "Диалог не найден.",
    "This ticket is for another company's stream.": "Этот билет выдан для потока другой компании.",
    # Assistant settings
    "Version {version} does not exist.": "Версии {version} нет.",
    "Unknown scenario {name!r}; scenarios are: {scenarios}.": "Неизвестный сценарий «{name}»; есть такие: {scenarios}.",
    # Knowledge base: the upload
    "Knowledge base not found.": "База знаний не найдена.",
    "Row not found.": "Строка не найдена.",
    "Another row already has the SKU {sku!r}.": "Артикул «{sku}» уже есть в другой строке.",
    "The file is {size:.1f} MB; the limit is {limit:.0f} MB.": "Файл весит {size:.1f} МБ; предел — {limit:.0f} МБ.",
    "None of the {rows} rows could be imported, so the knowledge base was not changed.": (
        "Ни одну из {rows} {rows:plural:строки|строк|строк} не удалось импортировать, поэтому база знаний не "
        "изменилась."
    ),
    "The file has a header but no rows.": "В файле есть заголовок, но нет строк.",
    "Upload a .csv or .xlsx file.": "Загрузите файл .csv или .xlsx.",
    "The file is empty.": "Файл пустой.",
    "The file has no header row.": "В файле нет строки заголовков.",
    "The first row is empty: it must hold the column names.": (
        "Первая строка пустая: в ней должны быть названия столбцов."
    ),
    "The sheet is empty: the first row must hold the column names.": (
        "Лист пустой: в первой строке должны быть названия столбцов."
    ),
    "This does not look like a text CSV file (it contains binary data).": (
        "Это не похоже на текстовый CSV-файл (в нём двоичные данные)."
    ),
    "The file is not valid {encoding} text.": "Файл не является корректным текстом в кодировке {encoding}.",
    "The header row cannot be read: {reason}": "Не удалось прочитать строку заголовков: {reason}",
    "Line {line} is not valid {encoding} text.": "Строка {line} не является корректным текстом в кодировке {encoding}.",
    "Line {line}: {reason}": "Строка {line}: {reason}",
    "The file has more than {limit:,} rows; split it into smaller files.": (
        "В файле больше {limit:,} {limit:plural:строки|строк|строк}; разделите его на файлы поменьше."
    ),
    "The file has no {column} column. Found columns: {found}. Download a template to see the expected columns.": (
        "В файле нет столбца {column}. Найденные столбцы: {found}. Скачайте шаблон, чтобы увидеть нужные столбцы."
    ),
    "The file has no {first} and no {second} column. Found columns: {found}. Download a template to see the "
    "expected columns.": (
        "В файле нет столбцов {first} и {second}. Найденные столбцы: {found}. Скачайте шаблон, чтобы увидеть "
        "нужные столбцы."
    ),
    # After "Найденные столбцы:".
    "none": "нет",
    "This is not a real .xlsx file (it is not a zip archive).": "Это не настоящий файл .xlsx (это не zip-архив).",
    "This is not a real .xlsx file (no workbook inside).": "Это не настоящий файл .xlsx (внутри нет книги).",
    "This .xlsx file is damaged or not a workbook.": "Файл .xlsx повреждён или не является книгой Excel.",
    "This .xlsx file is damaged or not a workbook (it is encrypted or compressed in a way Excel never uses).": (
        "Файл .xlsx повреждён или не является книгой Excel (он зашифрован или сжат так, как Excel не делает)."
    ),
    "This .xlsx file is damaged or not a workbook (a row has the number {number!r}).": (
        "Файл .xlsx повреждён или не является книгой Excel (у строки номер «{number}»)."
    ),
    "This .xlsx file is damaged or not a workbook (a row is numbered past Excel's last row).": (
        "Файл .xlsx повреждён или не является книгой Excel (номер строки больше последней строки Excel)."
    ),
    "This .xlsx file is damaged or not a workbook (row {row} cannot be read).": (
        "Файл .xlsx повреждён или не является книгой Excel (строку {row} не удалось прочитать)."
    ),
    "This .xlsx holds more than {limit:,} parts; it was refused as unsafe.": (
        "В файле .xlsx больше {limit:,} {limit:plural:части|частей|частей}; он отклонён как небезопасный."
    ),
    "This .xlsx expands to far more data than it holds; it was refused as unsafe.": (
        "Файл .xlsx распаковывается в намного больший объём, чем занимает; он отклонён как небезопасный."
    ),
    "This .xlsx has more than {limit:,} cell styles; it was refused as unsafe.": (
        "В файле .xlsx больше {limit:,} {limit:plural:стиля|стилей|стилей} ячеек; он отклонён как небезопасный."
    ),
    "{what} expands to more than {megabytes} MB when unpacked, so the file was refused as unsafe. Split it into "
    "smaller files or save it as CSV.": (
        "{what}: после распаковки больше {megabytes} МБ, поэтому файл отклонён как небезопасный. Разделите его на "
        "файлы поменьше или сохраните в CSV."
    ),
    # What is too big when unpacked: nominative, at the start of the sentence above.
    "The spreadsheet": "Таблица",
    "The spreadsheet's first sheet": "Первый лист таблицы",
    "The spreadsheet's text": "Текст таблицы",
    "The spreadsheet's formatting": "Оформление таблицы",
    "A part of the spreadsheet": "Часть таблицы",
    "A cell of the spreadsheet holds more than {limit:,} characters.": (
        "В ячейке таблицы больше {limit:,} {limit:plural:символа|символов|символов}."
    ),
    "Row {row} has more than {limit:,} cells.": "В строке {row} больше {limit:,} {limit:plural:ячейки|ячеек|ячеек}.",
    "Row {row} holds more than {limit:,} characters.": (
        "В строке {row} больше {limit:,} {limit:plural:символа|символов|символов}."
    ),
    "Row {row} has data in column {column:,}; a catalogue may have at most {limit:,} columns.": (
        "В строке {row} есть данные в столбце {column:,}; в каталоге может быть не больше {limit:,} "
        "{limit:plural:столбца|столбцов|столбцов}."
    ),
    "The sheet has too many shared formulas; it was refused as unsafe.": (
        "На листе слишком много общих формул; он отклонён как небезопасный."
    ),
    "The workbook has no sheets.": "В книге нет листов.",
    # Knowledge base: a row's problems
    "The name is missing.": "Не указано название.",
    "The description is missing.": "Не указано описание.",
    "Longer than {limit} characters ({length}).": (
        "Длиннее {limit} {limit:plural:символа|символов|символов} ({length})."
    ),
    "Longer than {limit} characters.": "Длиннее {limit} {limit:plural:символа|символов|символов}.",
    "Duplicate SKU {sku!r}: it is already on row {row}.": "Повтор артикула «{sku}»: он уже есть в строке {row}.",
    "The price {value!r} is not a number.": "Цена «{value}» — не число.",
    "The price must be zero or more.": "Цена не может быть отрицательной.",
    "The price is too large.": "Цена слишком большая.",
    "{value!r} is not a currency code such as USD or RUB.": "«{value}» — не код валюты вроде USD или RUB.",
    "{value!r} is not a whole number of {what}.": "«{value}» — не целое число {what}.",
    "The {what} must be more than zero.": "Число {what} должно быть больше нуля.",
    "The {what} is too large.": "Слишком большое число {what}.",
    # What a number counts: genitive plural, after "число".
    "items": "штук",
    "minutes": "минут",
    "The format must be online or offline.": "Формат должен быть online или offline.",
    "Not a web address: {value!r}.": "Это не веб-адрес: «{value}».",
    "The website must start with http:// or https://.": "Адрес сайта должен начинаться с http:// или https://.",
    # --- email ---
    # The email channel: Gmail and any IMAP/SMTP mailbox (x8/channel_adapters/email.py, x8/platform/channels/email_*)
    "Choose Gmail or a mailbox to connect.": "Выберите, что подключить: Gmail или почтовый ящик.",
    "Email has no webhook of this kind.": "У почты нет вебхука такого вида.",
    "Gmail: the stored access is unreadable; connect Gmail again.": (
        "Gmail: сохранённый доступ не читается; подключите Gmail заново."
    ),
    "Gmail: {reason}": "Gmail: {reason}",
    "The Gmail connection expired or is invalid. Connect Gmail again.": (
        "Ссылка для подключения Gmail устарела или недействительна. Подключите Gmail заново."
    ),
    "The Gmail push token is missing.": "Не передан токен push-уведомлений Gmail.",
    "The Gmail push token is wrong.": "Неверный токен push-уведомлений Gmail.",
    "The mailbox settings are incomplete.": "Настройки почтового ящика заполнены не полностью.",
    "This is not a Gmail push notification.": "Это не push-уведомление Gmail.",
    # {side} is IMAP or SMTP; {reason} is the mail server's own words.
    "{side}: {reason}": "{side}: {reason}",
    # Media
    "Upload a photo (JPG, PNG, GIF, WebP) or a video (MP4, MOV, WebM).": (
        "Загрузите фото (JPG, PNG, GIF, WebP) или видео (MP4, MOV, WebM)."
    ),
    "The video is larger than {megabytes} MB.": "Видео больше {megabytes} МБ.",
    "The image is larger than {megabytes} MB.": "Изображение больше {megabytes} МБ.",
    "This folder already has its welcome video. Delete it before uploading another.": (
        "В этой папке уже есть приветственное видео. Удалите его, прежде чем загружать другое."
    ),
    "Media not found.": "Файл не найден.",
    "Cloudinary refused the request: {reason}": "Cloudinary отклонил запрос: {reason}",
    "Cloudinary is not answering right now. Try again shortly.": (
        "Cloudinary сейчас не отвечает. Попробуйте чуть позже."
    ),
    # Mail
    "Not found.": "Не найдено.",
    "Email is not configured on this server.": "Отправка почты на этом сервере не настроена.",
    "We could not send the email right now. Please try again shortly.": (
        "Сейчас не удалось отправить письмо. Попробуйте чуть позже."
    ),
    "Your X8 Network verification code": "Ваш код подтверждения X8 Network",
    "Your X8 Network verification code is: {code}\n\n"
    "It is valid for {minutes} {minutes:plural:minute|minutes} and can be used once.\n"
    "If you did not ask for it, you can ignore this email.": (
        "Ваш код подтверждения X8 Network: {code}\n\n"
        "Он действует {minutes} {minutes:plural:минуту|минуты|минут}, использовать его можно один раз.\n"
        "Если вы его не запрашивали, просто не обращайте внимания на это письмо."
    ),
    "Reset your X8 Network password": "Сброс пароля X8 Network",
    "Your X8 Network password reset code is: {code}\n\n"
    "It is valid for {minutes} {minutes:plural:minute|minutes} and can be used once.\n"
    "If you did not ask for it, you can ignore this email.": (
        "Ваш код для сброса пароля X8 Network: {code}\n\n"
        "Он действует {minutes} {minutes:plural:минуту|минуты|минут}, использовать его можно один раз.\n"
        "Если вы его не запрашивали, просто не обращайте внимания на это письмо."
    ),
    "Your X8 Network sign-in link": "Ваша ссылка для входа в X8 Network",
    "Open this link to sign in to X8 Network:\n\n{link}\n\n"
    "It works once and expires in {minutes} {minutes:plural:minute|minutes}. "
    "If you did not ask for it, ignore this email.": (
        "Откройте эту ссылку, чтобы войти в X8 Network:\n\n{link}\n\n"
        "Она сработает один раз и действует {minutes} {minutes:plural:минуту|минуты|минут}. "
        "Если вы её не запрашивали, не обращайте внимания на это письмо."
    ),
    "{company}: a customer asked for a person": "{company}: клиент просит позвать человека",
    "A customer of {company} asked to talk to a person. The assistant has stopped answering in this conversation "
    "until you resume it.\n\nOpen the conversation: {link}\n": (
        "Клиент компании {company} попросил поговорить с человеком. Ассистент не отвечает в этом диалоге, пока "
        "вы его снова не включите.\n\nОткрыть диалог: {link}\n"
    ),
    # SaaS billing: plans, Checkout, the portal, plan changes, trial reminders (x8/platform/billing)
    "Only a business account has a plan; staff accounts are not billed.": (
        "Тариф есть только у бизнес-аккаунта: сотрудникам платформы счета не выставляются."
    ),
    "Billing is not set up on this server (no Stripe key), so plans cannot be bought here.": (
        "Оплата тарифов на этом сервере не настроена (нет ключа Stripe), поэтому купить тариф здесь нельзя."
    ),
    "The {plan} plan is not on sale on this server.": "Тариф {plan} на этом сервере не продаётся.",
    "You already have a subscription. Change its plan instead of buying another.": (
        "У вас уже есть подписка. Смените в ней тариф вместо покупки новой."
    ),
    "There is no billing account yet. Subscribe to a plan first.": (
        "Платёжного аккаунта ещё нет. Сначала оформите подписку на тариф."
    ),
    "The {plan} plan allows {limit} {limit:plural:channel|channels}, and {count} {count:plural:is|are} in use. "
    "Remove channels from your companies first.": (
        "Тариф {plan} позволяет {limit} {limit:plural:канал|канала|каналов}, а занято {count}. Сначала уберите "
        "лишние каналы из ваших компаний."
    ),
    "There is no plan checkout of yours with this id.": "Оплаты тарифа с таким номером у вас нет.",
    "There is no active subscription to change. Choose a plan to subscribe first.": (
        "Нет действующей подписки, которую можно изменить. Сначала выберите тариф и оформите подписку."
    ),
    "Your trial or subscription has ended, so channels cannot be connected. Choose a plan on the Billing page; "
    "your data is kept.": (
        "Пробный период или подписка закончились, поэтому подключать каналы нельзя. Выберите тариф на странице "
        "«Оплата»; ваши данные сохранены."
    ),
    "Your X8 Network trial ends in {days} {days:plural:day|days}": (
        "Пробный период X8 Network закончится через {days} {days:plural:день|дня|дней}"
    ),
    "Your X8 Network trial ends in {days} {days:plural:day|days}. After that your channels pause and the "
    "assistant stops answering until you choose a plan; all your data is kept.\n\nChoose a plan: {link}\n": (
        "Пробный период X8 Network закончится через {days} {days:plural:день|дня|дней}. После этого каналы "
        "приостановятся и ассистент перестанет отвечать, пока вы не выберете тариф; все ваши данные сохранятся."
        "\n\nВыбрать тариф: {link}\n"
    ),
    "Your X8 Network trial has ended": "Пробный период X8 Network закончился",
    "Your X8 Network trial has ended. Your channels are paused: messages from your customers are still stored, "
    "but the assistant does not answer them. All your data is kept.\n\nChoose a plan to resume everything: "
    "{link}\n": (
        "Пробный период X8 Network закончился. Каналы приостановлены: сообщения ваших клиентов по-прежнему "
        "сохраняются, но ассистент на них не отвечает. Все ваши данные сохранены.\n\nВыберите тариф, чтобы всё "
        "снова заработало: {link}\n"
    ),
    "A plan must be named; leave the field out to keep the current one.": (
        "Укажите тариф или не передавайте это поле, чтобы оставить текущий."
    ),
    "A trial end must be a date and time; leave the field out to keep the current one.": (
        "Конец пробного периода должен быть датой и временем; не передавайте это поле, чтобы оставить текущий."
    ),
    # Payments in chat: Connect, the purchase log, the sandbox checkout (x8/platform/payments, x8/platform/orders)
    "Only a business account receives payments; staff accounts have no Stripe account.": (
        "Платежи принимает только бизнес-аккаунт: у сотрудников платформы нет аккаунта Stripe."
    ),
    "Stripe is not answering right now. Please try again in a moment.": (
        "Stripe сейчас не отвечает. Попробуйте ещё раз через минуту."
    ),
    "Stripe did not accept the request ({code}). Please contact support if this keeps happening.": (
        "Stripe не принял запрос ({code}). Если это повторяется, напишите в поддержку."
    ),
    "Online payments are not set up on this server (no Stripe key). Chat orders use the sandbox checkout.": (
        "Онлайн-оплата на этом сервере не настроена (нет ключа Stripe). Заказы из чата оплачиваются в тестовой "
        "кассе (песочнице)."
    ),
    "Stripe did not let the account be removed ({code}); it stays connected. Settle its balance in Stripe first.": (
        "Stripe не дал удалить аккаунт ({code}), он остаётся подключённым. Сначала закройте его баланс в Stripe."
    ),
    "The Stripe signature is missing or does not match; nothing was stored.": (
        "Подписи Stripe нет или она не совпадает; ничего не сохранено."
    ),
    "Use a date (2026-12-01) or a date and time (2026-12-01T09:00:00+03:00).": (
        "Укажите дату (2026-12-01) или дату и время (2026-12-01T09:00:00+03:00)."
    ),
    "The period starts after it ends: 'from' must come before 'to'.": (
        "Период начинается позже, чем заканчивается: 'from' должно быть раньше 'to'."
    ),
    "Across several companies the log goes {depth} orders deep; name a company to page further.": (
        "По нескольким компаниям журнал листается на глубину {depth} заказов; чтобы листать дальше, выберите компанию."
    ),
    "No such sandbox order.": "Такого заказа в песочнице нет.",
    "This order can no longer be paid. Ask for a new link in the chat.": (
        "Этот заказ уже нельзя оплатить. Попросите в чате новую ссылку."
    ),
    "Sandbox checkout": "Тестовая касса",
    "SANDBOX: no real payment is made": "ПЕСОЧНИЦА: настоящей оплаты не будет",
    "Order {reference}": "Заказ {reference}",
    "Item": "Товар",
    "Qty": "Кол-во",
    "Price": "Цена",
    "Sum": "Сумма",
    "Total": "Итого",
    "Pay {amount} {currency}": "Оплатить {amount} {currency}",
    "Not paid yet.": "Ещё не оплачено.",
    "Paid. Thank you! You can go back to the chat.": "Оплачено. Спасибо! Можно вернуться в чат.",
    "The payment did not go through. Please try again.": "Оплата не прошла. Попробуйте ещё раз.",
    "This is a test checkout of X8 Network: no card is asked for and no money moves.": (
        "Это тестовая касса X8 Network: карта не нужна, деньги не списываются."
    ),
    "X8 Network checkout": "Оплата X8 Network",
    "Thank you! Your payment is being confirmed; you will get a message in the chat.": (
        "Спасибо! Оплата подтверждается, вы получите сообщение в чате."
    ),
    "The payment was cancelled. You can pay later with the link from the chat.": (
        "Оплата отменена. Оплатить можно позже по ссылке из чата."
    ),
    # What the platform writes to a customer about an order (sent through the chat's channel)
    "Thank you! We have received your payment of {amount} {currency} for order {reference}.": (
        "Спасибо! Мы получили вашу оплату {amount} {currency} по заказу {reference}."
    ),
    "A reminder: your order {reference} for {amount} {currency} is waiting for payment. You can pay here: {url}": (
        "Напоминаем: заказ {reference} на {amount} {currency} ждёт оплаты. Оплатить можно здесь: {url}"
    ),
    "Here is the link to pay for your order {reference} ({amount} {currency}): {url}": (
        "Вот ссылка для оплаты заказа {reference} ({amount} {currency}): {url}"
    ),
    "Sorry, we could not prepare the payment link for order {reference}. A person will contact you.": (
        "Извините, не получилось подготовить ссылку для оплаты заказа {reference}. С вами свяжется сотрудник."
    ),
    # Booking in chat: what the assistant writes while a customer picks a time (x8/platform/booking/chat.py)
    "Please choose a delivery time:": "Выберите, пожалуйста, время доставки:",
    "Please choose a time for your appointment:": "Выберите, пожалуйста, время записи:",
    "Which city should we deliver to? We deliver to: {cities}.": "В какой город доставить? Мы доставляем в: {cities}.",
    "We deliver to: {cities}. Which city is yours?": "Мы доставляем в: {cities}. Какой город ваш?",
    "Free times on {day}:": "Свободное время на {day}:",
    "That day has passed. The nearest free times:": "Этот день уже прошёл. Ближайшее свободное время:",
    "That time is free on these days:": "Это время свободно в такие дни:",
    "{when} is not free. The nearest free times:": "{when} — занято. Ближайшее свободное время:",
    "{slot} it is. What is the delivery address?": "{slot} — отлично. Напишите, пожалуйста, адрес доставки.",
    "Please write the delivery address: street, house and flat.": (
        "Напишите, пожалуйста, адрес доставки: улицу, дом и квартиру."
    ),
    "Sorry, that time has just been taken. The free times now:": (
        "К сожалению, это время только что заняли. Свободное время сейчас:"
    ),
    "{reason} The free times:": "{reason} Свободное время:",
    "Booked: delivery on {span}, to {where}. Thank you!": "Готово: доставка {span}, по адресу {where}. Спасибо!",
    "Booked: {span}. See you then!": "Готово, вы записаны: {span}. До встречи!",
    "Reply “1” to take it, or write another day and time.": (
        "Ответьте «1», чтобы выбрать его, или напишите другой день и время."
    ),
    "Reply with the number (1–{count}), or write a day and time, for example “tomorrow at 11”.": (
        "Ответьте номером (1–{count}) или напишите день и время, например «завтра в 11»."
    ),
    "Sorry, I didn't understand.": "Извините, я не понял.",
    "Of course. A member of our team will arrange the time with you here; they will reply soon.": (
        "Конечно. Сотрудник согласует с вами время здесь; вам скоро ответят."
    ),
    "I've asked a member of our team to arrange the time with you here; they will reply soon.": (
        "Я попросил сотрудника согласовать с вами время здесь; вам скоро ответят."
    ),
    "There are no free times in the next two weeks. I've asked a member of our team to arrange a time with you "
    "here; they will reply soon.": (
        "В ближайшие две недели свободного времени нет. Я попросил сотрудника согласовать с вами время здесь; "
        "вам скоро ответят."
    ),
    # --- metrics ---
    # The metrics overview (x8/platform/metrics)
    "The range must not end before it starts: 'from' is after 'to'.": (
        "Интервал не может заканчиваться раньше, чем начинается: «from» позже, чем «to»."
    ),
    "The range is too long: at most {limit} {limit:plural:day|days} at this granularity.": (
        "Слишком длинный интервал: при такой детализации не больше {limit} {limit:plural:дня|дней|дней}."
    ),
    "Write a day as YYYY-MM-DD, for example 2026-12-01.": "Укажите день в формате ГГГГ-ММ-ДД, например 2026-12-01.",
    # Booking: availability, slots and bookings (x8/platform/booking)
    "Use a time of day as HH:MM, from 00:00 to 24:00.": "Укажите время в формате ЧЧ:ММ, от 00:00 до 24:00.",
    "A range must end after it starts.": "Интервал должен заканчиваться позже, чем начинается.",
    "Two ranges of the same weekday overlap.": "Два интервала одного дня недели пересекаются.",
    "Unknown time zone: use an IANA name such as Europe/Berlin.": (
        "Неизвестный часовой пояс: укажите название IANA, например Europe/Moscow."
    ),
    "A city is listed twice.": "Город указан дважды.",
    "Delivery cities are only for companies that sell products.": (
        "Города доставки бывают только у компаний, которые продают товары."
    ),
    "The range must end after it starts.": "Конец периода должен быть позже его начала.",
    "Ask for at most {days} {days:plural:day|days} of slots at a time.": (
        "Слоты можно запросить не более чем на {days} {days:plural:день|дня|дней} за раз."
    ),
    "There is no such service in the knowledge base.": "Такой услуги нет в базе знаний.",
    "The company does not deliver to this city.": "Компания не доставляет в этот город.",
    "This time is in the past.": "Это время уже прошло.",
    "The company is closed on this date.": "В этот день компания не работает.",
    "This time is not the start of a slot; pick one from the list of free slots.": (
        "В это время слот не начинается; выберите время из списка свободных слотов."
    ),
    "This time is outside the opening hours.": "Это время вне часов работы.",
    "This slot has just been taken. Please pick another one.": (
        "Этот слот только что заняли. Выберите другой, пожалуйста."
    ),
    "Booking not found.": "Бронирование не найдено.",
    # Admin: client filters and the Meta app pool.
    "Filter by a manager or by businesses without one, not both.": (
        "Фильтруйте либо по менеджеру, либо по клиентам без менеджера, но не одновременно."
    ),
    "A field sent cannot be null; leave it out to keep its value.": (
        "Переданное поле не может быть null; чтобы сохранить значение, не передавайте его."
    ),
    "Each product may be named once.": "Каждый продукт можно указать только один раз.",
    "Meta app not found.": "Приложение Meta не найдено.",
    "This Meta app is already in the pool.": "Это приложение Meta уже есть в пуле.",
    "{count} {count:plural:business uses|businesses use} this app; disable it instead.": (
        "Это приложение использует {count} {count:plural:клиент|клиента|клиентов}; вместо удаления отключите его."
    ),
    # n8n bridge: provisioning.
    "n8n is not connected to this server (N8N_API_URL, N8N_API_KEY).": (
        "n8n не подключён к этому серверу (N8N_API_URL, N8N_API_KEY)."
    ),
    # --- n8n engine and activity log ---
    "A message needs the conversation_id (or the contact_id) it belongs to.": (
        "Для сообщения нужен conversation_id диалога (или contact_id контакта), к которому оно относится."
    ),
    "There is no n8n workflow for {platform} channels.": "Для каналов {platform} нет сценария n8n.",
    "Connect the channel before switching it to n8n.": "Сначала подключите канал, потом переключайте его на n8n.",
    "The company's n8n workflow for this channel is not active yet ({status}); provision it in n8n and try again.": (
        "Сценарий n8n этой компании для канала ещё не активен ({status}): настройте его в n8n и попробуйте снова."
    ),
    "Thank you for your message! We will answer you shortly.": "Спасибо за сообщение! Мы скоро ответим.",
    "The cart cannot be ordered: {problem}.": "Эту корзину нельзя оформить: {problem}.",
    "This server takes no online payments.": "Этот сервер не принимает онлайн-платежи.",
    "The business has no Stripe account able to take payments yet.": (
        "У компании пока нет аккаунта Stripe, который может принимать платежи."
    ),
    "The payment provider refused this checkout.": "Платёжная система отклонила эту оплату.",
    "Activity entry not found.": "Запись журнала не найдена.",
    "This entry cannot be retried: it succeeded, or retrying would not help.": (
        "Эту запись нельзя повторить: она выполнена, или повтор не поможет."
    ),
    "Retry queued.": "Повтор поставлен в очередь.",
    # Vault
    "Secret not found.": "Секрет не найден.",
    "Client not found.": "Клиент не найден.",
    # Support: the manager chat and setup calls.
    "The message is empty.": "Сообщение пустое.",
    "Say which business's chat: client_id.": "Укажите, чей это чат: client_id.",
    "This ticket is for another stream.": "Этот билет выдан для другого потока.",
    "You have no manager yet. Write in the support chat: an administrator will answer.": (
        "Менеджер вам ещё не назначен. Напишите в чат поддержки: ответит администратор."
    ),
    "Setup call not found.": "Созвон не найден.",
    # --- account deletion ---
    "Cloudinary did not delete the files. Try again shortly.": "Cloudinary не удалил файлы. Попробуйте чуть позже.",
    "The password is wrong. Nothing was deleted.": "Неверный пароль. Ничего не удалено.",
    "Confirm with the code we email you: ask for it with send-verification-code.": (
        "Подтвердите кодом из письма: запросите его через send-verification-code."
    ),
    "Confirm with your password.": "Подтвердите паролем.",
    "An administrator account cannot delete itself; another administrator removes it.": (
        "Аккаунт администратора не может удалить сам себя: его удаляет другой администратор."
    ),
    "No such deletion.": "Такого удаления нет.",
    "The company was not deleted: {reason}": "Компания не удалена: {reason}",
    "This account is being deleted.": "Этот аккаунт удаляется.",
    "Confirm deleting your X8 Network account": "Подтвердите удаление аккаунта X8 Network",
    (
        "Your code to confirm deleting your X8 Network account is: {code}\n\n"
        "It is valid for {minutes} {minutes:plural:minute|minutes} and can be used once. Deleting the account "
        "removes your companies, conversations, channels and payments settings for good.\n"
        "If you did not ask for it, change your password: someone may be signed in as you."
    ): (
        "Код для подтверждения удаления аккаунта X8 Network: {code}\n\n"
        "Он действует {minutes} {minutes:plural:минуту|минуты|минут} и подходит один раз. Удаление аккаунта "
        "навсегда удаляет ваши компании, диалоги, каналы и настройки платежей.\n"
        "Если вы его не запрашивали, смените пароль: возможно, кто-то вошёл под вашим именем."
    ),
    "support messages": "сообщений в поддержку",
    "questions": "вопросов",
    "X8 Network support wrote to you": "Вам написала поддержка X8 Network",
    "You have an unread message from X8 Network support:\n\n{preview}\n\nAnswer it here: {link}\n": (
        "У вас непрочитанное сообщение от поддержки X8 Network:\n\n{preview}\n\nОтветить можно здесь: {link}\n"
    ),
    "{sender} wrote in the support chat": "{sender} написал(а) в чат поддержки",
    "{sender} wrote in the support chat and nobody has read it yet:\n\n{preview}\n\nAnswer it here: {link}\n": (
        "{sender} написал(а) в чат поддержки, и сообщение ещё никто не прочитал:\n\n{preview}\n\n"
        "Ответить можно здесь: {link}\n"
    ),
    "Google is not set up on this server (GOOGLE_CLIENT_ID).": "Google не настроен на этом сервере (GOOGLE_CLIENT_ID).",
    "The calendar connection is missing its state. Connect the calendar again.": (
        "В запросе на подключение календаря нет параметра state. Подключите календарь ещё раз."
    ),
    "The calendar connection expired or is invalid. Connect the calendar again.": (
        "Запрос на подключение календаря устарел или недействителен. Подключите календарь ещё раз."
    ),
    "The company's calendar is busy at this time. Please pick another slot.": (
        "В календаре компании это время занято. Выберите другой слот, пожалуйста."
    ),
}
