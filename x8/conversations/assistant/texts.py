"""What the retrieval responder says, in each supported language. Values from KB rows are inserted verbatim;
``{what}`` is the customer's own words for what they asked about (``question.quotable``)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "greeting": "Hello! Welcome to {company}. Ask me about our {offer}: prices, details, availability.",
        "several": "Here is what we have for “{what}”:",
        "more": "…and {n} more: ask me about any of them.",
        "cheapest": "The lowest-priced for “{what}”:",
        "dearest": "The highest-priced for “{what}”:",
        "not_found_product": "Sorry, we don't have “{what}” in our catalogue.",
        "not_found_service": "Sorry, we don't offer “{what}”.",
        "not_found_other_language": "Sorry, I couldn't find “{what}” in our catalogue.",
        "related": "Related items we do have:",
        "suggest": "I couldn't find “{what}” exactly. Did you mean this?",
        "handover_offer": "Would you like a member of our team to help? Reply “yes” and I'll pass this chat on.",
        "unclear_product": "Which product are you asking about? Tell me its name and I'll give you the exact price.",
        "unclear_service": "Which service are you asking about? Tell me its name and I'll give you the exact price.",
        "buy": (
            "Great choice! To order {name} ({price}), a member of our team will send you a secure payment link here."
        ),
        "buy_which": "Which of these would you like to order? A member of our team will then send you a payment link.",
        "buy_unknown": "I'd be glad to help you order. Which item would you like? You can ask me about our {offer}.",
        "book": (
            "I'd be happy to book {name} for you. A member of our team will confirm a time here; "
            "tell us which day and time suit you."
        ),
        "book_which": "Which of these would you like to book? A member of our team will then confirm a time here.",
        "book_unknown": "I'd be happy to book an appointment. Which service would you like, and when suits you?",
        "no_bookings": "We're a shop, so we don't take appointments.",
        "order_instead": "We don't take bookings, but you can order it here.",
        "ask_about": "Ask me about our {offer}: prices, details, availability.",
        "catalogue_products": "Here is what we sell:",
        "catalogue_services": "Here are the services we offer:",
        "catalogue_category": "• {category}: {examples}",
        "catalogue_more": "…and more.",
        "catalogue_ask": "Ask me about any of them: prices, details, availability.",
        "catalogue_empty": "Sorry, our catalogue isn't available in this chat yet.",
        "human": "Of course. I've asked a member of our team to take over; they will reply here soon.",
        "sale_intro": "Here is your order:",
        "sale_line": "• {name} ({price}) × {quantity}",
        "sale_total": "Total: {total}",
        "sale_pay": "Your secure payment link: {url}",
        "sale_sandbox": "(A test checkout: no real money is charged.)",
        "sale_after_product": "Once you've paid, you'll get a confirmation here.",
        "sale_free_booking": "This is free, so there's nothing to pay.",
        "sale_after_service": "Once you've paid, we'll agree the time of your appointment here.",
        "sale_wait": "Please wait a moment: I'm preparing your payment link and will send it here shortly.",
        "sale_unavailable": (
            "Sorry, online payment isn't available yet. I've asked a member of our team to help you with this "
            "order; they will reply here soon."
        ),
        "sale_found": "I found the rest:",
        "sale_tell_me": "Tell me what you'd like to order, and I'll send you the payment link.",
        "sale_how_many": "Please tell me how many you'd like: {name} ({price}).",
        "sale_too_many": "{quantity} × {name} ({price}) is more than I can order in the chat. How many would you like?",
        "sale_over_stock": "We have only {stock} of {name} ({price}) in stock. How many would you like?",
        "sale_out_of_stock": "Sorry, {name} is out of stock right now.",
        "sale_per_pack": "Just to check: {name} ({price}) is sold by the pack. How many packs would you like?",
        "sale_per_unit": "Just to check: {name} is {price} per {unit}. How many would you like?",
        "sale_no_price": "{name} has no fixed price, so I can't send a payment link for it.",
        "sale_not_online": "Sorry, I can't take payment for this order in the chat.",
        "sale_currencies": (
            "These items are priced in different currencies ({currencies}), so they need separate orders. "
            "Which would you like to pay for first?"
        ),
        "sale_free_service": (
            "This is free, so there's nothing to pay. I've asked a member of our team to agree a time with you "
            "here; they will reply soon."
        ),
        "sale_free_product": (
            "This is free, so there's nothing to pay. I've asked a member of our team to arrange it with you here; "
            "they will reply soon."
        ),
        "privacy": "Our privacy policy: {url}",
        "price_on_request": "price on request",
        "minutes": "{n} min",
        "products": "products",
        "services": "services",
    },
    "ru": {
        "greeting": "Здравствуйте! Добро пожаловать в {company}. Спросите меня о наших {offer}: цены, детали, наличие.",
        "several": "Вот что у нас есть по запросу «{what}»:",
        "more": "…и ещё {n}: спросите меня о любом из них.",
        "cheapest": "Самый недорогой вариант по запросу «{what}»:",
        "dearest": "Самый дорогой вариант по запросу «{what}»:",
        "not_found_product": "К сожалению, по запросу «{what}» в нашем каталоге ничего нет.",
        "not_found_service": "К сожалению, среди наших услуг нет ничего по запросу «{what}».",
        "not_found_other_language": "К сожалению, я не нашёл «{what}» в нашем каталоге.",
        "related": "Из похожего у нас есть:",
        "suggest": "Точного совпадения для «{what}» я не нашёл. Возможно, вы имели в виду:",
        "handover_offer": "Хотите, чтобы вам помог сотрудник? Ответьте «да», и я передам ему этот чат.",
        "unclear_product": "О каком товаре вы спрашиваете? Напишите название, и я назову точную цену.",
        "unclear_service": "О какой услуге вы спрашиваете? Напишите название, и я назову точную цену.",
        "buy": (
            "Отличный выбор! Чтобы заказать {name} ({price}), сотрудник пришлёт вам здесь безопасную ссылку на оплату."
        ),
        "buy_which": "Что из этого вы хотите заказать? Сотрудник пришлёт вам здесь ссылку на оплату.",
        "buy_unknown": "С радостью помогу оформить заказ. Какой товар вы хотите? Спросите меня о наших {offer}.",
        "book": (
            "С радостью запишу вас на {name}. Сотрудник подтвердит время здесь; "
            "напишите, какой день и время вам удобны."
        ),
        "book_which": "На что из этого вас записать? Сотрудник подтвердит время здесь.",
        "book_unknown": "С радостью запишу вас. Какая услуга вас интересует и когда вам удобно?",
        "no_bookings": "Мы магазин и не записываем на приём.",
        "order_instead": "Записи у нас нет, но этот товар можно заказать здесь.",
        "ask_about": "Спросите меня о наших {offer}: цены, детали, наличие.",
        "catalogue_products": "Вот что мы продаём:",
        "catalogue_services": "Вот наши услуги:",
        "catalogue_category": "• {category}: {examples}",
        "catalogue_more": "…и не только.",
        "catalogue_ask": "Спросите меня о любом из них: цены, детали, наличие.",
        "catalogue_empty": "К сожалению, наш каталог пока недоступен в этом чате.",
        "human": "Конечно. Я попросил сотрудника подключиться; вам ответят здесь в ближайшее время.",
        "sale_intro": "Ваш заказ:",
        "sale_line": "• {name} ({price}) × {quantity}",
        "sale_total": "Итого: {total}",
        "sale_pay": "Ваша защищённая ссылка на оплату: {url}",
        "sale_sandbox": "(Это тестовая оплата: настоящие деньги не списываются.)",
        "sale_after_product": "После оплаты здесь придёт подтверждение.",
        "sale_free_booking": "Это бесплатно, оплачивать ничего не нужно.",
        "sale_after_service": "После оплаты мы согласуем здесь время записи.",
        "sale_wait": "Минутку: я готовлю ссылку на оплату и скоро пришлю её сюда.",
        "sale_unavailable": (
            "К сожалению, онлайн-оплата пока недоступна. Я попросил сотрудника помочь вам с этим заказом; "
            "вам ответят здесь в ближайшее время."
        ),
        "sale_found": "Остальное я нашёл:",
        "sale_tell_me": "Напишите, что вы хотите заказать, и я пришлю ссылку на оплату.",
        "sale_how_many": "Уточните, пожалуйста, количество: {name} ({price}).",
        "sale_too_many": "{quantity} × {name} ({price}) — больше, чем я могу оформить в чате. Сколько вам нужно?",
        "sale_over_stock": "В наличии только {stock} шт.: {name} ({price}). Сколько оформить?",
        "sale_out_of_stock": "К сожалению, товара «{name}» сейчас нет в наличии.",
        "sale_per_pack": "Уточню: товар «{name}» ({price}) продаётся упаковкой. Сколько упаковок оформить?",
        "sale_per_unit": "Уточню: «{name}» стоит {price} за {unit}. Сколько оформить?",
        "sale_no_price": "У позиции «{name}» нет фиксированной цены, поэтому ссылку на оплату я прислать не могу.",
        "sale_not_online": "К сожалению, этот заказ нельзя оплатить в чате.",
        "sale_currencies": (
            "Эти позиции в разных валютах ({currencies}), поэтому их нужно оформить отдельными заказами. "
            "Что оплатим сначала?"
        ),
        "sale_free_service": (
            "Это бесплатно, оплачивать ничего не нужно. Я попросил сотрудника согласовать с вами время здесь; "
            "вам скоро ответят."
        ),
        "sale_free_product": (
            "Это бесплатно, оплачивать ничего не нужно. Я попросил сотрудника всё с вами согласовать здесь; "
            "вам скоро ответят."
        ),
        "privacy": "Наша политика конфиденциальности: {url}",
        "price_on_request": "цена по запросу",
        "minutes": "{n} мин",
        "products": "товарах",
        "services": "услугах",
    },
}


def t(language: str, key: str, **values: object) -> str:
    table = TEXTS.get(language, TEXTS["en"])
    return table[key].format(**values)
