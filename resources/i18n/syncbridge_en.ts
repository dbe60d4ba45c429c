<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="ru">
<context>
    <name>Bitrix24Page</name>
    <message>
        <source>Подключение к Битрикс24</source>
        <translation>Connection to Bitrix24</translation>
    </message>
    <message>
        <source>Программа обращается к порталу через входящий вебхук — отдельный адрес с секретным кодом, который создаёт администратор портала.</source>
        <translation>The program talks to the portal through an incoming webhook: a separate address with a secret code that the portal administrator creates.</translation>
    </message>
    <message>
        <source>не нужен для облачного портала</source>
        <translation>not needed for a cloud portal</translation>
    </message>
    <message>
        <source>Выбрать…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Адрес вебхука:</source>
        <translation>Webhook address:</translation>
    </message>
    <message>
        <source>Где взять: в Битрикс24 откройте Приложения → Разработчикам → Другое → Входящий вебхук. В настройках прав отметьте crm и catalog, сохраните и скопируйте адрес вида https://портал/rest/1/код/. Код в адресе — это пароль: после ввода программа его не показывает.</source>
        <translation>Where to get it: in Bitrix24 open Applications → Developer resources → Other → Inbound webhook. Tick the crm and catalog permissions, save, and copy the address that looks like https://portal/rest/1/code/. The code in the address is a password: once entered, the program does not show it.</translation>
    </message>
    <message>
        <source>Сертификат ЦС:</source>
        <translation>CA certificate:</translation>
    </message>
    <message>
        <source>Только для коробочного портала в вашей сети, если его сертификат выпущен внутренним центром сертификации: укажите файл сертификата этого ЦС (.pem, .crt). Проверка сертификата не отключается.</source>
        <translation>Only for an on-premise portal in your network whose certificate was issued by an internal certificate authority: choose that CA certificate file (.pem, .crt). Certificate verification is never switched off.</translation>
    </message>
    <message>
        <source>сохранён вебхук портала {portal}</source>
        <translation>saved webhook of the portal {portal}</translation>
    </message>
    <message>
        <source>Файл сертификата не найден: {path}</source>
        <translation>Certificate file not found: {path}</translation>
    </message>
    <message>
        <source>Адрес вебхука должен начинаться с https:// — без шифрования код вебхука передавался бы открытым текстом.</source>
        <translation>The webhook address must start with https://: without encryption the webhook code would travel in plain text.</translation>
    </message>
    <message>
        <source>Это не похоже на адрес входящего вебхука: нужен адрес вида https://портал/rest/1/код/.</source>
        <translation>This does not look like an incoming webhook address: it should look like https://portal/rest/1/code/.</translation>
    </message>
    <message>
        <source>Сертификат центра сертификации</source>
        <translation>Certificate authority certificate</translation>
    </message>
    <message>
        <source>Сертификаты (*.pem *.crt *.cer);;Все файлы (*)</source>
        <translation>Certificates (*.pem *.crt *.cer);;All files (*)</translation>
    </message>
    <message>
        <source>Вставьте адрес входящего вебхука.</source>
        <translation>Paste the incoming webhook address.</translation>
    </message>
</context>
<context>
    <name>CatalogPage</name>
    <message>
        <source>Каталог товаров</source>
        <translation>Product catalog</translation>
    </message>
    <message>
        <source>Товары, услуги, цены и остатки из 1С в каталоге Битрикс24: менеджер собирает сделку из актуальных цен и видит, что есть на складе.</source>
        <translation>Products, services, prices and stock from 1C in the Bitrix24 catalog: a manager builds a deal from current prices and sees what is in stock.</translation>
    </message>
    <message>
        <source>Переносить каталог из 1С в Битрикс24</source>
        <translation>Bring the catalog from 1C to Bitrix24</translation>
    </message>
    <message>
        <source>Чтение видов цен и складов…</source>
        <translation>Reading price types and warehouses…</translation>
    </message>
    <message>
        <source>Свободный остаток (в наличии минус резерв) — рекомендуется</source>
        <translation>Free stock (in stock minus reserved) — recommended</translation>
    </message>
    <message>
        <source>Остаток в наличии, без учёта резервов</source>
        <translation>Stock on hand, reserves not deducted</translation>
    </message>
    <message>
        <source>Виды цен 1С, которые переносить</source>
        <translation>1C price types to bring over</translation>
    </message>
    <message>
        <source>Базовая цена портала (её видит менеджер в сделке) — из вида цен:</source>
        <translation>The portal's base price (what a manager sees in a deal) comes from the price type:</translation>
    </message>
    <message>
        <source>Склады 1С, остатки которых показывать</source>
        <translation>1C warehouses whose stock to show</translation>
    </message>
    <message>
        <source>Чтение видов цен и складов из 1С и режима складского учёта портала…</source>
        <translation>Reading price types and warehouses from 1C and the portal's inventory mode…</translation>
    </message>
    <message>
        <source>Не удалось прочитать каталог: {error}</source>
        <translation>Could not read the catalog: {error}</translation>
    </message>
    <message>
        <source>помечен на удаление</source>
        <translation>marked for deletion</translation>
    </message>
    <message>
        <source>валюты нет в портале, цены не перенесутся</source>
        <translation>the portal has no such currency, prices will not be brought over</translation>
    </message>
    <message>
        <source>В портале включён складской учёт: остатки по каждому складу будут проводиться документами оприходования и списания.</source>
        <translation>Inventory management is on in the portal: stock per warehouse will be posted with receipt and write-off documents.</translation>
    </message>
    <message>
        <source>Складской учёт в портале выключен: в карточку товара записывается общее количество по выбранным складам.</source>
        <translation>Inventory management is off in the portal: the product card gets the total quantity over the chosen warehouses.</translation>
    </message>
    <message>
        <source>Режим складского учёта портала не определён: он будет проверен при синхронизации.</source>
        <translation>The portal's inventory mode is unknown: it will be checked during synchronization.</translation>
    </message>
    <message>
        <source>Отметьте, что переносить. Выбор можно изменить в настройках.</source>
        <translation>Tick what to bring over. You can change the choice in the settings.</translation>
    </message>
</context>
<context>
    <name>CheckPanel</name>
    <message>
        <source>Проверить подключение</source>
        <extracomment>the user pressed the check button the user pressed «Отменить» while a check runs the outcome changed in a way that may change whether "Next" is allowed</extracomment>
        <translation>Test connection</translation>
    </message>
    <message>
        <source>Отменить</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Продолжить без проверки (ошибки в адресе или пароле обнаружатся только при первой синхронизации)</source>
        <translation>Continue without testing (a wrong address or password will only show up at the first sync)</translation>
    </message>
    <message>
        <source>Нажмите «Проверить подключение»: кнопка «Далее» станет доступна после успешной проверки.</source>
        <translation>Click “Test connection”: the “Next” button becomes available after a successful test.</translation>
    </message>
    <message>
        <source>Проверяю подключение…</source>
        <translation>Testing the connection…</translation>
    </message>
    <message>
        <source>Проверка пройдена — нажмите «Далее».</source>
        <translation>Test passed: click “Next”.</translation>
    </message>
    <message>
        <source>Данные изменились во время проверки — проверьте ещё раз.</source>
        <translation>The details changed during the test: please test again.</translation>
    </message>
    <message>
        <source>Проверка не пройдена. Исправьте данные и проверьте ещё раз или отметьте «Продолжить без проверки».</source>
        <translation>Test failed. Correct the details and test again, or tick “Continue without testing”.</translation>
    </message>
    <message>
        <source>Подключение не менялось — проверять не обязательно.</source>
        <translation>The connection has not changed: no need to test it again.</translation>
    </message>
    <message>
        <source>Данные изменились — проверьте подключение ещё раз.</source>
        <translation>The details changed: please test the connection again.</translation>
    </message>
</context>
<context>
    <name>ConnectionPage</name>
    <message>
        <source>Проверка отменена.</source>
        <extracomment>a check that has not answered in this long is given up (the core's own timeouts are shorter; this is the ceiling for a server that accepts the connection and then says nothing)</extracomment>
        <translation>Check cancelled.</translation>
    </message>
    <message>
        <source>Сервер не ответил за {n} с. Проверьте адрес и что сервер доступен из этой сети (не мешает ли прокси или брандмауэр), затем проверьте ещё раз.</source>
        <translation>The server did not answer within {n} s. Check the address and that the server is reachable from this network (proxy or firewall), then check again.</translation>
    </message>
</context>
<context>
    <name>DesktopApp</name>
    <message>
        <source>Запускаю демо-режим: учебные серверы 1С и Битрикс24…</source>
        <translation>Starting the demo: practice 1C and Bitrix24 servers…</translation>
    </message>
    <message>
        <source>Демо-режим не запустился: {error}</source>
        <translation>The demo did not start: {error}</translation>
    </message>
    <message>
        <source>Идёт синхронизация. Остановить её и выйти?

Уже записанное сохранится, остальное будет перенесено при следующем запуске.</source>
        <translation>A sync is running. Stop it and quit?

What is already written stays; the rest is carried over on the next run.</translation>
    </message>
    <message>
        <source>Синхронизация уже идёт — дождитесь её окончания.</source>
        <translation>A sync is already running: please wait until it finishes.</translation>
    </message>
</context>
<context>
    <name>JournalModel</name>
    <message>
        <source>Контрагент</source>
        <translation>Counterparty</translation>
    </message>
    <message>
        <source>Банковский счёт</source>
        <translation>Bank account</translation>
    </message>
    <message>
        <source>Контактное лицо</source>
        <translation>Contact person</translation>
    </message>
    <message>
        <source>Реквизиты</source>
        <translation>Requisites</translation>
    </message>
    <message>
        <source>Товар</source>
        <translation>Product</translation>
    </message>
    <message>
        <source>Сделка</source>
        <translation>Deal</translation>
    </message>
    <message>
        <source>Создано</source>
        <translation>Created</translation>
    </message>
    <message>
        <source>Обновлено</source>
        <translation>Updated</translation>
    </message>
    <message>
        <source>Связано</source>
        <translation>Linked</translation>
    </message>
    <message>
        <source>Пропущено</source>
        <translation>Skipped</translation>
    </message>
    <message>
        <source>Ошибка</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Возможный дубль</source>
        <translation>Possible duplicate</translation>
    </message>
    <message>
        <source>Отмечено</source>
        <translation>Marked</translation>
    </message>
    <message>
        <source>Замечание</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>План</source>
        <translation>Plan</translation>
    </message>
    <message>
        <source>Восстановлено</source>
        <translation>Recovered</translation>
    </message>
    <message>
        <source>Решение</source>
        <translation>Decision</translation>
    </message>
    <message>
        <source>Время</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Объект</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>Действие</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>1С</source>
        <translation>1C</translation>
    </message>
    <message>
        <source>Битрикс24</source>
        <translation>Bitrix24</translation>
    </message>
    <message>
        <source>Причина</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>ИНН {inn}</source>
        <translation>INN {inn}</translation>
    </message>
</context>
<context>
    <name>JournalWindow</name>
    <message>
        <source> Повреждённый файл сохранён как {name}.</source>
        <extracomment>journal column → the store's sort key</extracomment>
        <translation> The damaged file is kept as {name}.</translation>
    </message>
    <message>
        <source>База состояния восстановлена из копии {name}.</source>
        <translation>The state database was restored from the backup {name}.</translation>
    </message>
    <message>
        <source>Синхронизация ещё не выполнялась.</source>
        <translation>No sync has run yet.</translation>
    </message>
    <message>
        <source>Последняя синхронизация: {time}, {status}.</source>
        <translation>Last sync: {time}, {status}.</translation>
    </message>
    <message>
        <source>ссылка 1С: {ref}</source>
        <translation>1C reference: {ref}</translation>
    </message>
    <message>
        <source>ID в Битрикс24: {id}</source>
        <translation>Bitrix24 ID: {id}</translation>
    </message>
    <message>
        <source>Карточка в Битрикс24: {url}</source>
        <translation>Bitrix24 card: {url}</translation>
    </message>
    <message>
        <source>SyncBridge — журнал синхронизации</source>
        <extracomment>the admin wants to decide on duplicates / conflicts the admin wants the dry run the admin wants the overview (per entity, last runs, reconciliation report)</extracomment>
        <translation>SyncBridge — sync journal</translation>
    </message>
    <message>
        <source>Загружаю журнал…</source>
        <translation>Loading the journal…</translation>
    </message>
    <message>
        <source>Синхронизировать сейчас</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>Остановить</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Только проблемы</source>
        <translation>Problems only</translation>
    </message>
    <message>
        <source>Показать только ошибки и возможные дубли</source>
        <translation>Show only errors and possible duplicates</translation>
    </message>
    <message>
        <source>Восстановить базу из резервной копии</source>
        <translation>Restore the database from the backup</translation>
    </message>
    <message>
        <source>Обновить</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>Предпросмотр…</source>
        <translation>Preview…</translation>
    </message>
    <message>
        <source>Пробный запуск: что будет создано, связано и обновлено — ничего не записывается</source>
        <translation>Dry run: what would be created, linked and updated — nothing is written</translation>
    </message>
    <message>
        <source>Обзор и сверка…</source>
        <translation>Overview and reconciliation…</translation>
    </message>
    <message>
        <source>Разобрать…</source>
        <translation>Review…</translation>
    </message>
    <message>
        <source>Поиск: название, ИНН, причина, ID в Битрикс24…</source>
        <translation>Search: name, INN, reason, Bitrix24 ID…</translation>
    </message>
    <message>
        <source>Все объекты</source>
        <translation>All objects</translation>
    </message>
    <message>
        <source>Все действия</source>
        <translation>All actions</translation>
    </message>
    <message>
        <source>Период:</source>
        <translation>Period:</translation>
    </message>
    <message>
        <source>← Новее</source>
        <translation>← Newer</translation>
    </message>
    <message>
        <source>Старее →</source>
        <translation>Older →</translation>
    </message>
    <message>
        <source>Копировать строку</source>
        <translation>Copy line</translation>
    </message>
    <message>
        <source>Выгрузить в CSV…</source>
        <translation>Export to CSV…</translation>
    </message>
    <message>
        <source>Выберите строку журнала, чтобы увидеть её полностью.</source>
        <translation>Select a journal line to see it in full.</translation>
    </message>
    <message>
        <source>Записей: {n}</source>
        <translation>Entries: {n}</translation>
    </message>
    <message>
        <source>{first}–{last} из {total}</source>
        <translation>{first}–{last} of {total}</translation>
    </message>
    <message>
        <source>возможных дублей: {n}</source>
        <translation>probable duplicates: {n}</translation>
    </message>
    <message>
        <source>конфликтов: {n}</source>
        <translation>conflicts: {n}</translation>
    </message>
    <message>
        <source>Ждут вашего решения — {items}.</source>
        <translation>Waiting for your decision — {items}.</translation>
    </message>
    <message>
        <source>Выгрузить журнал</source>
        <translation>Export the journal</translation>
    </message>
    <message>
        <source>Таблица CSV (*.csv)</source>
        <translation>CSV table (*.csv)</translation>
    </message>
    <message>
        <source>Выгружено строк: {n} — {path}</source>
        <translation>Lines exported: {n} — {path}</translation>
    </message>
    <message>
        <source>Не удалось выгрузить журнал: {error}</source>
        <translation>Could not export the journal: {error}</translation>
    </message>
    <message>
        <source>Журнал не прочитан: {error}</source>
        <translation>Could not read the journal: {error}</translation>
    </message>
    <message>
        <source>База не восстановлена: {error}</source>
        <translation>The database was not restored: {error}</translation>
    </message>
</context>
<context>
    <name>MasterPasswordDialog</name>
    <message>
        <source>SyncBridge — мастер-пароль</source>
        <translation>SyncBridge — master password</translation>
    </message>
    <message>
        <source>Системное хранилище паролей на этом компьютере недоступно, поэтому пароль 1С и вебхук Битрикс24 будут зашифрованы ключом из мастер-пароля.

Придумайте мастер-пароль не короче {n} символов. Он нигде не сохраняется и будет нужен при каждом запуске программы. Если его забыть, пароль 1С и вебхук придётся ввести заново.</source>
        <translation>The system password store is not available on this computer, so the 1C password and the Bitrix24 webhook will be encrypted with a key derived from a master password.

Choose a master password of at least {n} characters. It is not stored anywhere and will be needed every time the program starts. If you forget it, you will have to enter the 1C password and the webhook again.</translation>
    </message>
    <message>
        <source>Пароли SyncBridge зашифрованы ключом из мастер-пароля (системное хранилище паролей на этом компьютере недоступно). Введите мастер-пароль, чтобы программа могла подключиться к 1С и Битрикс24.</source>
        <translation>SyncBridge passwords are encrypted with a key derived from the master password (the system password store is not available on this computer). Enter the master password so the program can connect to 1C and Bitrix24.</translation>
    </message>
    <message>
        <source>Мастер-пароль:</source>
        <translation>Master password:</translation>
    </message>
    <message>
        <source>Ещё раз:</source>
        <translation>Repeat:</translation>
    </message>
    <message>
        <source>Введите мастер-пароль.</source>
        <translation>Enter the master password.</translation>
    </message>
    <message>
        <source>Мастер-пароль должен быть не короче {n} символов.</source>
        <translation>The master password must be at least {n} characters long.</translation>
    </message>
    <message>
        <source>Пароли не совпадают. Введите один и тот же пароль в оба поля.</source>
        <translation>The passwords do not match. Enter the same password in both fields.</translation>
    </message>
    <message>
        <source>Проверяю…</source>
        <translation>Checking…</translation>
    </message>
</context>
<context>
    <name>OneCPage</name>
    <message>
        <source>Определить автоматически</source>
        <translation>Detect automatically</translation>
    </message>
    <message>
        <source>1С:Управление торговлей 11, Комплексная автоматизация 2, ERP 2</source>
        <translation>1C:Trade Management 11, Integrated Automation 2, ERP 2</translation>
    </message>
    <message>
        <source>1С:Бухгалтерия предприятия 3.0</source>
        <translation>1C:Enterprise Accounting 3.0</translation>
    </message>
    <message>
        <source>1С:Управление нашей фирмой</source>
        <translation>1C:Small Business Management (UNF)</translation>
    </message>
    <message>
        <source>Подключение к 1С</source>
        <translation>Connection to 1C</translation>
    </message>
    <message>
        <source>Укажите публикацию информационной базы на веб-сервере и пользователя 1С.</source>
        <translation>Enter the web server publication of the infobase and the 1C user.</translation>
    </message>
    <message>
        <source>например, Интеграция</source>
        <translation>for example, Integration</translation>
    </message>
    <message>
        <source>Адрес публикации:</source>
        <translation>Publication address:</translation>
    </message>
    <message>
        <source>Адрес, по которому база открывается в браузере, например http://srv1c/ut11. Программа работает через стандартный интерфейс OData этой публикации (…/odata/standard.odata) и сама допишет эту часть адреса. Конфигурацию 1С менять не нужно.</source>
        <translation>The address at which the infobase opens in a browser, for example http://srv1c/ut11. The program works through the standard OData interface of this publication (…/odata/standard.odata) and adds that part of the address itself. The 1C configuration does not need to be changed.</translation>
    </message>
    <message>
        <source>Пользователь 1С:</source>
        <translation>1C user:</translation>
    </message>
    <message>
        <source>От имени этого пользователя программа читает и записывает данные. Лучше завести отдельного пользователя с правами на нужные справочники.</source>
        <translation>The program reads and writes data as this user. It is best to create a separate user with rights to the required catalogs.</translation>
    </message>
    <message>
        <source>Пароль:</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>Конфигурация:</source>
        <translation>Configuration:</translation>
    </message>
    <message>
        <source>«Определить автоматически»: проверка подключения прочитает описание публикации ($metadata) и узнает конфигурацию. Выберите её вручную, если база доработана или проверку вы пропускаете.</source>
        <translation>“Detect automatically”: the connection check reads the publication description ($metadata) and recognises the configuration. Choose it by hand if the base is customised or you skip the check.</translation>
    </message>
    <message>
        <source>Адрес начинается с http:// — имя пользователя и его пароль будут передаваться по сети открытым текстом. Если публикация доступна по https://, укажите этот адрес.</source>
        <translation>The address starts with http:// — the user name and password will travel over the network in clear text. If the publication is available over https://, enter that address.</translation>
    </message>
    <message>
        <source>сохранён</source>
        <translation>saved</translation>
    </message>
    <message>
        <source>Пароль сохранён. Оставьте поле пустым, чтобы не менять его.</source>
        <translation>The password is saved. Leave the field empty to keep it.</translation>
    </message>
    <message>
        <source>Заполните адрес публикации и пользователя 1С.</source>
        <translation>Fill in the publication address and the 1C user.</translation>
    </message>
</context>
<context>
    <name>OverviewWindow</name>
    <message>
        <source>SyncBridge — обзор</source>
        <translation>SyncBridge — overview</translation>
    </message>
    <message>
        <source>Объекты</source>
        <translation>Objects</translation>
    </message>
    <message>
        <source>В 1С</source>
        <translation>In 1C</translation>
    </message>
    <message>
        <source>В портале</source>
        <translation>In the portal</translation>
    </message>
    <message>
        <source>Связано</source>
        <translation>Linked</translation>
    </message>
    <message>
        <source>Ждут записи</source>
        <translation>Waiting to be written</translation>
    </message>
    <message>
        <source>Ошибок</source>
        <translation>Errors</translation>
    </message>
    <message>
        <source>Сохранить отчёт сверки…</source>
        <translation>Save the reconciliation report…</translation>
    </message>
    <message>
        <source>Обновить</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>Последние запуски:</source>
        <translation>Last runs:</translation>
    </message>
    <message>
        <source>Ждут решения: возможных дублей {d}, конфликтов {c}.</source>
        <translation>Waiting for a decision: {d} probable duplicates, {c} conflicts.</translation>
    </message>
    <message>
        <source>Сохранить отчёт сверки</source>
        <translation>Save the reconciliation report</translation>
    </message>
    <message>
        <source>PDF (*.pdf);;Страница HTML (*.html)</source>
        <translation>PDF (*.pdf);;HTML page (*.html)</translation>
    </message>
    <message>
        <source>Отчёт не сохранён: {error}</source>
        <translation>The report was not saved: {error}</translation>
    </message>
    <message>
        <source>Отчёт сохранён: {path}</source>
        <translation>Report saved: {path}</translation>
    </message>
</context>
<context>
    <name>PreviewDialog</name>
    <message>
        <source>SyncBridge — предпросмотр синхронизации</source>
        <extracomment>the admin allowed the real sync</extracomment>
        <translation>SyncBridge — sync preview</translation>
    </message>
    <message>
        <source>Пробный запуск: SyncBridge прочитал 1С и портал и показывает, что сделает синхронизация. Ничего не записано. Проверьте цифры — особенно возможные дубли — и начните синхронизацию.</source>
        <translation>Dry run: SyncBridge read 1C and the portal and shows what the sync will do. Nothing has been written. Check the figures — especially the probable duplicates — and start the sync.</translation>
    </message>
    <message>
        <source>Пробный запуск: что сделает следующая синхронизация. Ничего не записано.</source>
        <translation>Dry run: what the next sync will do. Nothing has been written.</translation>
    </message>
    <message>
        <source>Готовлю предпросмотр…</source>
        <translation>Preparing the preview…</translation>
    </message>
    <message>
        <source>Объекты</source>
        <translation>Objects</translation>
    </message>
    <message>
        <source>Создать</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>Связать</source>
        <translation>Link</translation>
    </message>
    <message>
        <source>Обновить</source>
        <translation>Update</translation>
    </message>
    <message>
        <source>Возможные дубли</source>
        <translation>Probable duplicates</translation>
    </message>
    <message>
        <source>Не переносятся</source>
        <translation>Not carried over</translation>
    </message>
    <message>
        <source>Без изменений</source>
        <translation>Unchanged</translation>
    </message>
    <message>
        <source>Значения, которые не переносятся, появятся здесь.</source>
        <translation>Values that cannot be carried over will appear here.</translation>
    </message>
    <message>
        <source>Начать синхронизацию</source>
        <translation>Start the sync</translation>
    </message>
    <message>
        <source>Синхронизировать сейчас</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>Остановить</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Повторить</source>
        <translation>Run again</translation>
    </message>
    <message>
        <source>Отложить</source>
        <translation>Later</translation>
    </message>
    <message>
        <source>Закрыть</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Не переносятся:</source>
        <translation>Not carried over:</translation>
    </message>
    <message>
        <source>Предпросмотр остановлен.</source>
        <translation>Preview stopped.</translation>
    </message>
    <message>
        <source>Будет записано в портал: {n}. Ничего ещё не записано.</source>
        <translation>To be written to the portal: {n}. Nothing has been written yet.</translation>
    </message>
</context>
<context>
    <name>ReviewWindow</name>
    <message>
        <source>SyncBridge — проверка: дубли и конфликты</source>
        <extracomment>a decision was taken (the tray re-counts what waits)</extracomment>
        <translation>SyncBridge — review: duplicates and conflicts</translation>
    </message>
    <message>
        <source>SyncBridge не объединяет похожие компании сам: у компании портала нет ИНН, совпадают только названия. Выберите, что сделать с каждой парой.</source>
        <translation>SyncBridge never merges look-alike companies by itself: the portal company has no INN, only the names match. Choose what to do with each pair.</translation>
    </message>
    <message>
        <source>Запись 1С</source>
        <translation>1C record</translation>
    </message>
    <message>
        <source>Компания в Битрикс24</source>
        <translation>Bitrix24 company</translation>
    </message>
    <message>
        <source>Почему</source>
        <translation>Why</translation>
    </message>
    <message>
        <source>Найдено</source>
        <translation>Found</translation>
    </message>
    <message>
        <source>Связать с этой компанией</source>
        <translation>Link to this company</translation>
    </message>
    <message>
        <source>Компания портала — та же фирма: запись 1С будет переноситься в неё</source>
        <translation>The portal company is the same firm: the 1C record will be carried into it</translation>
    </message>
    <message>
        <source>Не дубль</source>
        <translation>Not a duplicate</translation>
    </message>
    <message>
        <source>Это разные фирмы; пара больше не будет предлагаться</source>
        <translation>These are different firms; the pair will not be suggested again</translation>
    </message>
    <message>
        <source>Объединить в Битрикс24</source>
        <translation>Merge in Bitrix24</translation>
    </message>
    <message>
        <source>Объединить карточки средствами портала (сделки и история переходят в оставшуюся карточку)</source>
        <translation>Merge the cards with the portal's own tool (deals and history move to the card that stays)</translation>
    </message>
    <message>
        <source>Открыть в Битрикс24</source>
        <translation>Open in Bitrix24</translation>
    </message>
    <message>
        <source>Возможные дубли</source>
        <translation>Probable duplicates</translation>
    </message>
    <message>
        <source>Эти изменения не записаны поверх другой стороны: например, сделку изменили после отгрузки заказа. Сравните версии и решите, какую оставить.</source>
        <translation>These changes were not written over the other side: for example, the deal changed after its order was shipped. Compare the versions and decide which one to keep.</translation>
    </message>
    <message>
        <source>Запись</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>Изменение источника</source>
        <translation>Change from the source</translation>
    </message>
    <message>
        <source>Сейчас на другой стороне</source>
        <translation>Now on the other side</translation>
    </message>
    <message>
        <source>Записать изменение источника</source>
        <translation>Write the source's change</translation>
    </message>
    <message>
        <source>Изменение будет записано при следующей синхронизации</source>
        <translation>The change will be written on the next sync</translation>
    </message>
    <message>
        <source>Оставить как есть</source>
        <translation>Keep as it is</translation>
    </message>
    <message>
        <source>Другая сторона остаётся как есть; конфликт уходит из списка</source>
        <translation>The other side stays as it is; the conflict leaves the list</translation>
    </message>
    <message>
        <source>Конфликты</source>
        <translation>Conflicts</translation>
    </message>
    <message>
        <source>Открыть страницу объединения</source>
        <translation>Open the merge page</translation>
    </message>
    <message>
        <source>Обновить</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>№ {id}: {title}</source>
        <translation>No. {id}: {title}</translation>
    </message>
    <message>
        <source>Возможные дубли ({n})</source>
        <translation>Probable duplicates ({n})</translation>
    </message>
    <message>
        <source>Конфликты ({n})</source>
        <translation>Conflicts ({n})</translation>
    </message>
    <message>
        <source>Выполняю…</source>
        <translation>Working…</translation>
    </message>
    <message>
        <source>Решение сохранено и записано в журнал.</source>
        <translation>Decision saved and journaled.</translation>
    </message>
</context>
<context>
    <name>RunsChart</name>
    <message>
        <source>Запуск № {id}: записей {records}, ошибок {errors}</source>
        <translation>Run No. {id}: {records} records, {errors} errors</translation>
    </message>
    <message>
        <source>Запусков ещё не было</source>
        <translation>No runs yet</translation>
    </message>
    <message>
        <source>записей — синим, ошибок — красным; последние {n} запусков</source>
        <translation>records in blue, errors in red; the last {n} runs</translation>
    </message>
</context>
<context>
    <name>SalesPage</name>
    <message>
        <source>Заказ не согласован</source>
        <extracomment>1C events of the stage map (order statuses, then payment and shipment events) and how the admin reads them; the event names are 1C's and core's identifiers, zipped here so that no 1C name reads as UI text</extracomment>
        <translation>Order not agreed</translation>
    </message>
    <message>
        <source>Заказ к обеспечению</source>
        <translation>Order to be supplied</translation>
    </message>
    <message>
        <source>Заказ к отгрузке</source>
        <translation>Order ready to ship</translation>
    </message>
    <message>
        <source>Заказ закрыт</source>
        <translation>Order closed</translation>
    </message>
    <message>
        <source>Оплачен частично</source>
        <translation>Partly paid</translation>
    </message>
    <message>
        <source>Оплачен полностью</source>
        <translation>Fully paid</translation>
    </message>
    <message>
        <source>Отгружен частично</source>
        <translation>Partly shipped</translation>
    </message>
    <message>
        <source>Отгружен полностью</source>
        <translation>Fully shipped</translation>
    </message>
    <message>
        <source>Продажи</source>
        <extracomment>connection of the previous pages: () -&gt; (onec_url, onec_user, password or None, webhook or None, ca_file, profile)</extracomment>
        <translation>Sales</translation>
    </message>
    <message>
        <source>Выигранные сделки становятся заказами клиентов в 1С, а оплаты и отгрузки из 1С появляются в сделке.</source>
        <translation>Won deals become customer orders in 1C, and payments and shipments from 1C appear on the deal.</translation>
    </message>
    <message>
        <source>Переносить сделки в 1С как заказы клиентов</source>
        <translation>Send deals to 1C as customer orders</translation>
    </message>
    <message>
        <source>Загрузить списки из 1С и Битрикс24</source>
        <translation>Load lists from 1C and Bitrix24</translation>
    </message>
    <message>
        <source>Списки ещё не загружены.</source>
        <translation>The lists are not loaded yet.</translation>
    </message>
    <message>
        <source>Проводить заказы (иначе — сохранять черновиком)</source>
        <translation>Post orders (otherwise save them as drafts)</translation>
    </message>
    <message>
        <source>Создавать в 1С контрагента, если его нет (по ИНН из реквизитов компании)</source>
        <translation>Create the counterparty in 1C when it is missing (by the company's INN)</translation>
    </message>
    <message>
        <source>Воронка</source>
        <translation>Pipeline</translation>
    </message>
    <message>
        <source>Когда создавать заказ</source>
        <translation>When to create the order</translation>
    </message>
    <message>
        <source>Организация:</source>
        <translation>Organisation:</translation>
    </message>
    <message>
        <source>От имени какой организации оформлять заказы.</source>
        <translation>The organisation the orders are issued by.</translation>
    </message>
    <message>
        <source>Склад:</source>
        <translation>Warehouse:</translation>
    </message>
    <message>
        <source>С какого склада отгружать по заказам.</source>
        <translation>The warehouse the orders ship from.</translation>
    </message>
    <message>
        <source>Соглашение:</source>
        <translation>Agreement:</translation>
    </message>
    <message>
        <source>Типовое соглашение с клиентами; «не используются», если в базе соглашений нет.</source>
        <translation>The standard customer agreement; "not used" when the base has no agreements.</translation>
    </message>
    <message>
        <source>Хозяйственная операция:</source>
        <translation>Business operation:</translation>
    </message>
    <message>
        <source>Как 1С учитывает продажу по заказу (значение реквизита «Хозяйственная операция»).</source>
        <translation>How 1C accounts for the sale under the order (the value of «Хозяйственная операция»).</translation>
    </message>
    <message>
        <source>Если 1С откажется проводить заказ (например, нет свободного остатка при контроле остатков), заказ останется непроведённым, а причина — словами 1С — попадёт в журнал.</source>
        <translation>If 1C refuses to post an order (for example, no free stock with stock control on), the order stays unposted and 1C's own reason goes to the journal.</translation>
    </message>
    <message>
        <source>Начиная с даты:</source>
        <translation>Starting from:</translation>
    </message>
    <message>
        <source>Более старые сделки и документы 1С не переносятся — подключение портала с многолетней историей не завалит ни одну из сторон.</source>
        <translation>Older deals and 1C documents are not transferred, so connecting a portal with years of history floods neither side.</translation>
    </message>
    <message>
        <source>Стадия, на которой сделка уходит в 1С:</source>
        <translation>The stage at which a deal goes to 1C:</translation>
    </message>
    <message>
        <source>Куда двигать сделку по событиям в 1С (пусто — не двигать):</source>
        <translation>Where to move the deal on 1C events (empty: do not move):</translation>
    </message>
    <message>
        <source>Загружаю списки…</source>
        <translation>Loading the lists…</translation>
    </message>
    <message>
        <source>Не удалось загрузить списки: {error}</source>
        <translation>Could not load the lists: {error}</translation>
    </message>
    <message>
        <source>Загружено: организаций {o}, складов {w}, соглашений {a}, воронок {f}.</source>
        <translation>Loaded: {o} organisations, {w} warehouses, {a} agreements, {f} pipelines.</translation>
    </message>
    <message>
        <source>не используются</source>
        <translation>not used</translation>
    </message>
    <message>
        <source>Успешная стадия (по умолчанию)</source>
        <translation>Success stage (default)</translation>
    </message>
</context>
<context>
    <name>SchedulePage</name>
    <message>
        <source>Расписание</source>
        <translation>Schedule</translation>
    </message>
    <message>
        <source>Как часто переносить изменения, пока программа работает.</source>
        <translation>How often to transfer changes while the program is running.</translation>
    </message>
    <message>
        <source> мин</source>
        <translation> min</translation>
    </message>
    <message>
        <source>каждые </source>
        <translation>every </translation>
    </message>
    <message>
        <source>Синхронизировать:</source>
        <translation>Sync:</translation>
    </message>
    <message>
        <source>Синхронизация идёт в фоне, пока программа запущена (значок в области уведомлений рядом с часами). Запустить её вручную можно в любой момент: «Синхронизировать сейчас». Битрикс24 ограничивает частоту запросов, поэтому запуск чаще раза в 5 минут обычно не ускоряет обмен.</source>
        <translation>Syncing runs in the background while the program is running (the icon in the notification area next to the clock). You can start it by hand at any time with “Sync now”. Bitrix24 limits the request rate, so running more often than every 5 minutes usually does not speed up the exchange.</translation>
    </message>
    <message>
        <source>Язык интерфейса:</source>
        <translation>Interface language:</translation>
    </message>
    <message>
        <source>Язык меняется сразу, без перезапуска; потом его можно сменить в настройках.</source>
        <translation>The language changes at once, without a restart; you can change it later in the settings.</translation>
    </message>
</context>
<context>
    <name>SettingsWindow</name>
    <message>
        <source>SyncBridge — настройки</source>
        <extracomment>per-entity settings other work reads (PipelineEnv.settings): which entity holds which placeholder the sales loop's settings (core.mapping.sales_settings.SalesSettings): stage map per funnel; "0" = the general one the profile was saved (carries the new Profile) pause the schedule for N hours (0 = resume)</extracomment>
        <translation>SyncBridge — settings</translation>
    </message>
    <message>
        <source>Подключения</source>
        <translation>Connections</translation>
    </message>
    <message>
        <source>Расписание</source>
        <translation>Schedule</translation>
    </message>
    <message>
        <source>Объекты</source>
        <translation>Objects</translation>
    </message>
    <message>
        <source>Цены и склады</source>
        <translation>Prices and warehouses</translation>
    </message>
    <message>
        <source>Стадии сделок</source>
        <translation>Deal stages</translation>
    </message>
    <message>
        <source>Общие</source>
        <translation>General</translation>
    </message>
    <message>
        <source>не менять сохранённый пароль</source>
        <translation>keep the saved password</translation>
    </message>
    <message>
        <source>не менять сохранённый вебхук</source>
        <translation>keep the saved webhook</translation>
    </message>
    <message>
        <source>Выбрать…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Проверить подключения</source>
        <translation>Check connections</translation>
    </message>
    <message>
        <source>Публикация 1С:</source>
        <translation>1C publication:</translation>
    </message>
    <message>
        <source>Пользователь 1С:</source>
        <translation>1C user:</translation>
    </message>
    <message>
        <source>Пароль 1С:</source>
        <translation>1C password:</translation>
    </message>
    <message>
        <source>Конфигурация 1С:</source>
        <translation>1C configuration:</translation>
    </message>
    <message>
        <source>Вебхук Битрикс24:</source>
        <translation>Bitrix24 webhook:</translation>
    </message>
    <message>
        <source>Сертификат ЦС портала:</source>
        <translation>Portal CA certificate:</translation>
    </message>
    <message>
        <source>каждые </source>
        <translation>every </translation>
    </message>
    <message>
        <source> мин</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Только в рабочее время</source>
        <translation>Only during working hours</translation>
    </message>
    <message>
        <source>с</source>
        <translation>from</translation>
    </message>
    <message>
        <source>до</source>
        <translation>to</translation>
    </message>
    <message>
        <source> ч</source>
        <translation> h</translation>
    </message>
    <message>
        <source>Приостановить</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Возобновить</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>Синхронизировать:</source>
        <translation>Sync:</translation>
    </message>
    <message>
        <source>Рабочее время:</source>
        <translation>Working hours:</translation>
    </message>
    <message>
        <source>Пауза на:</source>
        <translation>Pause for:</translation>
    </message>
    <message>
        <source>Вне рабочего времени и во время паузы синхронизация по расписанию не запускается; «Синхронизировать сейчас» работает всегда.</source>
        <translation>Outside working hours and during a pause no scheduled sync starts; “Sync now” always works.</translation>
    </message>
    <message>
        <source>Переносить</source>
        <translation>Carry over</translation>
    </message>
    <message>
        <source>Направление</source>
        <translation>Direction</translation>
    </message>
    <message>
        <source>Здесь появляются все объекты, которые умеет переносить эта конфигурация 1С. Снятая галочка — объект не синхронизируется.</source>
        <translation>Every object this 1C configuration can carry over is listed here. Untick an object to stop syncing it.</translation>
    </message>
    <message>
        <source>1С → Битрикс24</source>
        <translation>1C → Bitrix24</translation>
    </message>
    <message>
        <source>Битрикс24 → 1С</source>
        <translation>Bitrix24 → 1C</translation>
    </message>
    <message>
        <source>Один вид цены 1С в строке, например «Розничная»</source>
        <translation>One 1C price type per line, e.g. “Розничная”</translation>
    </message>
    <message>
        <source>Один склад 1С в строке</source>
        <translation>One 1C warehouse per line</translation>
    </message>
    <message>
        <source>Виды цен:</source>
        <translation>Price types:</translation>
    </message>
    <message>
        <source>Склады:</source>
        <translation>Warehouses:</translation>
    </message>
    <message>
        <source>Событие в 1С (статус заказа, оплата, отгрузка)</source>
        <translation>1C event (order status, payment, shipment)</translation>
    </message>
    <message>
        <source>Стадия сделки (общая воронка)</source>
        <translation>Deal stage (general funnel)</translation>
    </message>
    <message>
        <source>Добавить строку</source>
        <translation>Add a row</translation>
    </message>
    <message>
        <source>Запускать SyncBridge при входе в систему</source>
        <translation>Start SyncBridge when I log in</translation>
    </message>
    <message>
        <source>Язык интерфейса:</source>
        <translation>Interface language:</translation>
    </message>
    <message>
        <source>Прокси-сервер:</source>
        <translation>Proxy server:</translation>
    </message>
    <message>
        <source>Сертификат центра сертификации</source>
        <translation>Certificate authority certificate</translation>
    </message>
    <message>
        <source>Сертификаты (*.pem *.crt *.cer);;Все файлы (*)</source>
        <translation>Certificates (*.pem *.crt *.cer);;All files (*)</translation>
    </message>
    <message>
        <source>1С:</source>
        <translation>1C:</translation>
    </message>
    <message>
        <source>Битрикс24:</source>
        <translation>Bitrix24:</translation>
    </message>
    <message>
        <source>Оба подключения работают.</source>
        <translation>Both connections work.</translation>
    </message>
    <message>
        <source>Подключение не работает — настройки не сохранены. Исправьте ошибки на вкладке «Подключения».</source>
        <translation>A connection does not work — the settings were not saved. Fix the errors on the “Connections” tab.</translation>
    </message>
    <message>
        <source>Проверяю подключения…</source>
        <translation>Checking the connections…</translation>
    </message>
    <message>
        <source>Настройки сохранены.</source>
        <translation>Settings saved.</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>SyncBridge — настройки</source>
        <extracomment>the profile and secrets were saved; carries the saved Profile</extracomment>
        <translation>SyncBridge — settings</translation>
    </message>
    <message>
        <source>SyncBridge — первая настройка</source>
        <translation>SyncBridge — first-time setup</translation>
    </message>
    <message>
        <source>Прервать настройку?</source>
        <translation>Abandon the setup?</translation>
    </message>
    <message>
        <source>Введённые адреса и пароли не сохранятся, и программа закроется. Прервать настройку?</source>
        <translation>The addresses and passwords you typed will not be saved and the program will close. Abandon the setup?</translation>
    </message>
    <message>
        <source>не менялось</source>
        <translation>unchanged</translation>
    </message>
    <message>
        <source>проверено</source>
        <translation>tested</translation>
    </message>
    <message>
        <source>не проверено — ошибки обнаружатся при первой синхронизации</source>
        <translation>not tested: errors will show up at the first sync</translation>
    </message>
    <message>
        <source>сохранён ранее</source>
        <translation>saved earlier</translation>
    </message>
    <message>
        <source>задан</source>
        <translation>set</translation>
    </message>
    <message>
        <source>пустой</source>
        <translation>empty</translation>
    </message>
    <message>
        <source>Публикация 1С</source>
        <translation>1C publication</translation>
    </message>
    <message>
        <source>Пользователь 1С</source>
        <translation>1C user</translation>
    </message>
    <message>
        <source>Пароль 1С</source>
        <translation>1C password</translation>
    </message>
    <message>
        <source>Конфигурация</source>
        <translation>Configuration</translation>
    </message>
    <message>
        <source>Подключение к 1С</source>
        <translation>Connection to 1C</translation>
    </message>
    <message>
        <source>Вебхук Битрикс24</source>
        <translation>Bitrix24 webhook</translation>
    </message>
    <message>
        <source>Сертификат ЦС</source>
        <translation>CA certificate</translation>
    </message>
    <message>
        <source>не нужен</source>
        <translation>not needed</translation>
    </message>
    <message>
        <source>Подключение к Битрикс24</source>
        <translation>Connection to Bitrix24</translation>
    </message>
    <message>
        <source>Расписание</source>
        <translation>Schedule</translation>
    </message>
    <message>
        <source>каждые {n} мин</source>
        <translation>every {n} min</translation>
    </message>
    <message>
        <source>Язык интерфейса</source>
        <translation>Interface language</translation>
    </message>
    <message>
        <source>Сделки → заказы 1С</source>
        <translation>Deals → 1C orders</translation>
    </message>
    <message>
        <source>Пароли</source>
        <translation>Passwords</translation>
    </message>
    <message>
        <source>выключено</source>
        <translation>off</translation>
    </message>
    <message>
        <source>с проведением</source>
        <translation>posted</translation>
    </message>
    <message>
        <source>черновиками</source>
        <translation>as drafts</translation>
    </message>
    <message>
        <source>включено, {mode}, с {date}</source>
        <translation>on, {mode}, from {date}</translation>
    </message>
    <message>
        <source>Каталог</source>
        <translation>Catalog</translation>
    </message>
    <message>
        <source>не переносится</source>
        <translation>not brought over</translation>
    </message>
    <message>
        <source>видов цен: {types}, складов: {stores}</source>
        <translation>price types: {types}, warehouses: {stores}</translation>
    </message>
</context>
<context>
    <name>StatusWindow</name>
    <message>
        <source>SyncBridge — состояние</source>
        <translation>SyncBridge — status</translation>
    </message>
    <message>
        <source>Значок в области уведомлений недоступен, поэтому SyncBridge показывает это окно. Закрытие окна сворачивает его: синхронизация по расписанию продолжается. Чтобы завершить программу, нажмите «Выход».</source>
        <translation>The notification area icon is not available, so SyncBridge shows this window instead. Closing the window minimises it: scheduled syncing goes on. To quit the program, click “Quit”.</translation>
    </message>
    <message>
        <source>Синхронизировать сейчас</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>Открыть журнал</source>
        <translation>Open journal</translation>
    </message>
    <message>
        <source>Настройки…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <source>Выход</source>
        <translation>Quit</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <source>Проверьте настройки</source>
        <translation>Review the settings</translation>
    </message>
    <message>
        <source>Нажмите «Завершить», чтобы сохранить настройки и запустить синхронизацию.</source>
        <translation>Click “Finish” to save the settings and start syncing.</translation>
    </message>
    <message>
        <source>После сохранения программа будет работать в фоне: значок SyncBridge появится в области уведомлений рядом с часами. Первая синхронизация начнётся сразу; щелчок по значку открывает журнал.</source>
        <translation>After saving, the program runs in the background: the SyncBridge icon appears in the notification area next to the clock. The first sync starts right away; clicking the icon opens the journal.</translation>
    </message>
    <message>
        <source>Сохраняю настройки…</source>
        <translation>Saving the settings…</translation>
    </message>
    <message>
        <source>Настройки не сохранены: {error}</source>
        <translation>The settings were not saved: {error}</translation>
    </message>
    <message>
        <source>Настройки сохранены.</source>
        <translation>Settings saved.</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>не перенесено записей: {n} — подробности в журнале</source>
        <extracomment>whole-run figures of the running sync (stage, entity, done/total, speed, time left, live counts) items waiting for a person (probable duplicates, conflicts): the tray says "needs attention" the schedule is held until this moment (pause for N hours) the snapshot changed (state, progress, times): views re-read :meth:`snapshot` a run started a run ended: (report or None, error text or "") a dry run ended: (Preview or None, error text or "")</extracomment>
        <translation>records not transferred: {n}; see the journal for details</translation>
    </message>
</context>
<context>
    <name>WebhookField</name>
    <message>
        <source>Изменить</source>
        <extracomment>the value changed (typed, concealed, cleared)</extracomment>
        <translation>Change</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>Добро пожаловать в SyncBridge</source>
        <translation>Welcome to SyncBridge</translation>
    </message>
    <message>
        <source>Мастер поможет подключить 1С и Битрикс24. Это займёт несколько минут.</source>
        <translation>This wizard connects 1C and Bitrix24. It takes a few minutes.</translation>
    </message>
    <message>
        <source>&lt;p&gt;SyncBridge переносит контрагентов из 1С:Предприятия в компании Битрикс24 — вместе с ИНН, КПП, телефонами, e-mail и банковскими счетами — и держит их в актуальном состоянии по расписанию.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Перед созданием записи программа ищет её в портале (по связи, затем по ИНН и КПП), поэтому дубли не создаются. Похожие записи без ИНН не объединяются сами — вы увидите их в списке на проверку.&lt;/li&gt;&lt;li&gt;Каждое действие попадает в журнал с понятной причиной: что создано, что обновлено, что пропущено и почему.&lt;/li&gt;&lt;li&gt;Программа работает на этом компьютере и обращается только к вашей публикации 1С и к порталу Битрикс24. Внешние серверы и облачные сервисы не нужны.&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;&lt;b&gt;Что понадобится:&lt;/b&gt; адрес публикации базы 1С на веб-сервере, логин и пароль пользователя 1С, а также входящий вебхук Битрикс24 (как его создать, подскажем на следующих шагах).&lt;/p&gt;</source>
        <translation>&lt;p&gt;SyncBridge transfers counterparties from 1C:Enterprise to Bitrix24 companies, together with INN, KPP, phone numbers, e-mails and bank accounts, and keeps them up to date on a schedule.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Before creating a record the program looks for it in the portal (by link, then by INN and KPP), so no duplicates are created. Similar records without an INN are never merged on their own: you will see them in a list to review.&lt;/li&gt;&lt;li&gt;Every action goes into the journal with a plain reason: what was created, what was updated, what was skipped and why.&lt;/li&gt;&lt;li&gt;The program runs on this computer and talks only to your 1C publication and your Bitrix24 portal. No external servers or cloud services are needed.&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;&lt;b&gt;You will need:&lt;/b&gt; the web server address of the 1C infobase publication, the login and password of a 1C user, and a Bitrix24 incoming webhook (the next steps explain how to create one).&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Определяю, где будут храниться пароли…</source>
        <translation>Finding out where the passwords will be kept…</translation>
    </message>
</context>
<context>
    <name>checks</name>
    <message>
        <source>Портал отвечает по HTTPS, сертификат проверен</source>
        <translation>The portal answers over HTTPS, certificate verified</translation>
    </message>
    <message>
        <source>Нет права {scope} у вебхука: понадобится для товаров, остатков и печатных форм</source>
        <translation>The webhook lacks the {scope} permission: it will be needed for products, stock and printed forms</translation>
    </message>
    <message>
        <source>Нет права {scope} у вебхука: откройте вебхук в портале и отметьте «CRM ({scope})»</source>
        <translation>The webhook lacks the {scope} permission: open the webhook in the portal and tick “CRM ({scope})”</translation>
    </message>
    <message>
        <source>Есть право {scope}</source>
        <translation>Permission {scope} granted</translation>
    </message>
    <message>
        <source>Вебхук принят</source>
        <translation>Webhook accepted</translation>
    </message>
    <message>
        <source>Адрес вебхука распознан: {url}</source>
        <translation>Webhook address recognised: {url}</translation>
    </message>
    <message>
        <source>Портал не принял вебхук: он удалён, просрочен или его код изменили. Создайте новый входящий вебхук (Битрикс24 → Разработчикам → Другое → Входящий вебхук, право crm) и вставьте его адрес</source>
        <translation>The portal rejected the webhook: it was deleted, expired or its code changed. Create a new incoming webhook (Bitrix24 → Developer resources → Other → Incoming webhook, crm permission) and paste its address</translation>
    </message>
    <message>
        <source>{error}</source>
        <translation>{error}</translation>
    </message>
    <message>
        <source>Логин и пароль приняты (пользователь «{user}»)</source>
        <translation>Login and password accepted (user “{user}”)</translation>
    </message>
    <message>
        <source>Не удалось получить состав OData: {error}</source>
        <translation>Could not read the OData composition: {error}</translation>
    </message>
    <message>
        <source>Раздел «{entity_title}»: все нужные объекты и реквизиты опубликованы</source>
        <translation>Section “{entity_title}”: every object and attribute it needs is published</translation>
    </message>
    <message>
        <source>Раздел «{entity_title}» не синхронизируется: {reason}</source>
        <translation>Section “{entity_title}” is not synchronised: {reason}</translation>
    </message>
    <message>
        <source>Не удалось прочитать $metadata: {error}</source>
        <translation>Could not read $metadata: {error}</translation>
    </message>
    <message>
        <source>Описание публикации ($metadata) прочитано: {size} КБ, опубликованных объектов: {sets}</source>
        <translation>Publication description ($metadata) read: {size} KB, published objects: {sets}</translation>
    </message>
    <message>
        <source>Не указан пользователь 1С</source>
        <translation>No 1C user given</translation>
    </message>
    <message>
        <source>Сервер ответил, но это не стандартный интерфейс OData 1С: {error}</source>
        <translation>The server answered, but it is not the 1C standard OData interface: {error}</translation>
    </message>
    <message>
        <source>Объект {name} не опубликован в OData: добавьте его в состав стандартного интерфейса OData (обработка «Настройка стандартного интерфейса OData» в 1С)</source>
        <translation>Object {name} is not published in OData: add it to the standard OData interface composition (the “Standard OData interface setup” data processor in 1C)</translation>
    </message>
    <message>
        <source>По $metadata база похожа на: {title} (профиль {profile})</source>
        <translation>By its $metadata the base looks like: {title} (profile {profile})</translation>
    </message>
    <message>
        <source>По $metadata база похожа на {detected_title} (профиль {detected}), а в настройках выбран профиль {profile}: проверьте выбор конфигурации</source>
        <translation>By its $metadata the base looks like {detected_title} (profile {detected}), but profile {profile} is selected in the settings: check the configuration choice</translation>
    </message>
    <message>
        <source>По $metadata не удалось однозначно определить конфигурацию 1С: выберите её вручную</source>
        <translation>The 1C configuration could not be told reliably from $metadata: choose it by hand</translation>
    </message>
    <message>
        <source>Конфигурация 1С: {title} (профиль {profile})</source>
        <translation>1C configuration: {title} (profile {profile})</translation>
    </message>
    <message>
        <source>Объект {name} опубликован в OData</source>
        <translation>Object {name} is published in OData</translation>
    </message>
    <message>
        <source>Сервер 1С отвечает: {url}</source>
        <translation>The 1C server answers: {url}</translation>
    </message>
    <message>
        <source>Адрес публикации 1С должен начинаться с http:// или https://, например http://server/ut11/odata/standard.odata/</source>
        <translation>The 1C publication address must start with http:// or https://, e.g. http://server/ut11/odata/standard.odata/</translation>
    </message>
    <message>
        <source>У пользователя интеграции нет права читать {entity_set}: раздел «{entity_title}» пропущен, остальные синхронизируются. {hint}</source>
        <translation>The integration user may not read {entity_set}: section “{entity_title}” is skipped, the others are synchronised. {hint}</translation>
    </message>
    <message>
        <source>Объект {entity_set} не опубликован в OData 1С, а он нужен для раздела «{entity_title}»: раздел пропущен, остальные синхронизируются. {hint}</source>
        <translation>Object {entity_set} is not published in the 1C OData interface, and section “{entity_title}” needs it: the section is skipped, the others are synchronised. {hint}</translation>
    </message>
    <message>
        <source>У объекта {entity_set} в публикации 1С нет реквизита {attribute}: раздел «{entity_title}» переносится без него</source>
        <translation>Object {entity_set} has no attribute {attribute} in the 1C publication: section “{entity_title}” is transferred without it</translation>
    </message>
    <message>
        <source>Объект {entity_set} не опубликован в OData 1С: раздел «{entity_title}» переносится без него — данные этого объекта не используются. {hint}</source>
        <translation>Object {entity_set} is not published in the 1C OData interface: section “{entity_title}” is transferred without it — data from that object is not used. {hint}</translation>
    </message>
    <message>
        <source>У объекта {entity_set} в публикации 1С нет обязательного реквизита {attribute} (его нет в этой версии конфигурации или он не опубликован): раздел «{entity_title}» остановлен. {hint}</source>
        <translation>Object {entity_set} has no required attribute {attribute} in the 1C publication (this release lacks it or it is not published): section “{entity_title}” is stopped. {hint}</translation>
    </message>
</context>
<context>
    <name>crash</name>
    <message>
        <source>В программе произошла непредвиденная ошибка. Программа продолжит работу, но последнее действие могло не выполниться.

Подробности записаны в журнал программы в папке:
{folder}

Если ошибка повторяется, передайте эту папку в поддержку.</source>
        <translation>An unexpected error occurred. The program keeps running, but the last action may not have completed.

The details are in the program log in the folder:
{folder}

If the error happens again, send this folder to support.</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Внутренняя ошибка программы ({kind}). Подробности записаны в файл журнала программы; передайте его в поддержку.</source>
        <translation>Internal program error ({kind}). The details are in the program log file; please send it to support.</translation>
    </message>
    <message>
        <source>сервер не ответил на подключение</source>
        <translation>the server did not accept the connection</translation>
    </message>
    <message>
        <source>истекло время ожидания подключения</source>
        <translation>the connection timed out</translation>
    </message>
    <message>
        <source>ошибка соединения</source>
        <translation>connection error</translation>
    </message>
    <message>
        <source>имя сервера не найдено (DNS)</source>
        <translation>server name not found (DNS)</translation>
    </message>
    <message>
        <source>сервер не ответил за отведённое время</source>
        <translation>the server did not answer in time</translation>
    </message>
    <message>
        <source>соединение отклонено (на этом порту никто не принимает подключения)</source>
        <translation>connection refused (nothing accepts connections on this port)</translation>
    </message>
    <message>
        <source>соединение отклонено (порт закрыт или сервер не запущен)</source>
        <translation>connection refused (the port is closed or the server is not running)</translation>
    </message>
    <message>
        <source>соединение разорвано сервером без ответа</source>
        <translation>the server dropped the connection without an answer</translation>
    </message>
    <message>
        <source>срок действия сертификата истёк или ещё не начался</source>
        <translation>the certificate has expired or is not yet valid</translation>
    </message>
    <message>
        <source>сертификат выдан на другое имя сервера — проверьте адрес портала</source>
        <translation>the certificate was issued for another server name — check the portal address</translation>
    </message>
    <message>
        <source>подлинность сервера не подтверждена</source>
        <translation>the server's identity could not be confirmed</translation>
    </message>
    <message>
        <source>сертификат отозван</source>
        <translation>the certificate has been revoked</translation>
    </message>
    <message>
        <source>сертификат выдан неизвестным центром сертификации (внутренним центром организации или сам собой)</source>
        <translation>the certificate was issued by an unknown certificate authority (an internal one, or it is self-signed)</translation>
    </message>
    <message>
        <source>Не удалось подключиться к Битрикс24 {host}: {reason}.</source>
        <translation>Could not connect to Bitrix24 {host}: {reason}.</translation>
    </message>
    <message>
        <source>Проверьте адрес портала, доступность сервера из этой сети и настройки прокси.</source>
        <translation>Check the portal address, that the server is reachable from this network, and the proxy settings.</translation>
    </message>
    <message>
        <source>Сертификат сервера Битрикс24 {host} не прошёл проверку: {reason}.</source>
        <translation>The certificate of the Bitrix24 server {host} failed verification: {reason}.</translation>
    </message>
    <message>
        <source>Если это коробочный Битрикс24 с сертификатом внутреннего центра сертификации организации, укажите файл сертификата этого центра (PEM) в поле «Сертификат ЦС портала» — его выдаёт администратор сети.</source>
        <translation>If this is an on-premises Bitrix24 with a certificate from your organisation's internal certificate authority, select that authority's certificate file (PEM) in the “Portal CA certificate” field — your network administrator has it.</translation>
    </message>
    <message>
        <source>Битрикс24 не принял вебхук {webhook} ({detail}).</source>
        <translation>Bitrix24 rejected the webhook {webhook} ({detail}).</translation>
    </message>
    <message>
        <source>Вебхук удалён, просрочен или его код изменился (например, его отредактировал администратор). Создайте новый входящий вебхук в Битрикс24 и укажите его адрес в профиле.</source>
        <translation>The webhook was deleted, has expired or its code changed (for example, an administrator edited it). Create a new incoming webhook in Bitrix24 and enter its address in the settings.</translation>
    </message>
    <message>
        <source>1С отклонила логин или пароль пользователя «{user}» ({host}).</source>
        <translation>1C rejected the login or password of the user “{user}” ({host}).</translation>
    </message>
    <message>
        <source>Проверьте имя пользователя и пароль 1С в настройках подключения. Пользователю 1С должна быть разрешена аутентификация 1С:Предприятия (логин и пароль), а не только вход через Windows/ОС.</source>
        <translation>Check the 1C user name and password in the connection settings. The 1C user must be allowed 1C:Enterprise authentication (login and password), not only Windows/OS sign-in.</translation>
    </message>
    <message>
        <source>Не удалось связаться с 1С по адресу {host}: {reason}.</source>
        <translation>Could not reach 1C at {host}: {reason}.</translation>
    </message>
    <message>
        <source>Проверьте, что веб-сервер с публикацией базы 1С запущен, адрес и порт указаны верно, а сеть и брандмауэр пропускают подключение.</source>
        <translation>Check that the web server publishing the 1C base is running, that the address and port are right, and that the network and firewall let the connection through.</translation>
    </message>
    <message>
        <source>Не удалось установить защищённое соединение с {host}: сертификат сервера не прошёл проверку.</source>
        <translation>Could not set up a secure connection to {host}: the server certificate failed verification.</translation>
    </message>
    <message>
        <source>Укажите в настройках файл корневого сертификата вашей организации (CA).</source>
        <translation>Select your organisation's root certificate (CA) file in the settings.</translation>
    </message>
</context>
<context>
    <name>journal</name>
    <message>
        <source>Не связана: в портале несколько компаний с ИНН {inn} ({candidates}). Выберите вручную</source>
        <translation>Not linked: the portal has several companies with INN {inn} ({candidates}). Choose one by hand</translation>
    </message>
    <message>
        <source>Ответ портала на запись потерялся; запись будет проверена при следующей синхронизации</source>
        <translation>The portal’s answer to a write was lost; the record will be checked at the next sync</translation>
    </message>
    <message>
        <source>Ответ портала на запись потерялся; запись найдена по идентификатору 1С, повтор не нужен</source>
        <translation>The portal’s answer to a write was lost; the record was found by its 1C identifier, no retry needed</translation>
    </message>
    <message>
        <source>Создано в каталоге Битрикс24: в 1С есть, в портале записи с этим кодом 1С не было</source>
        <translation>Created in the Bitrix24 catalog: present in 1C, the portal had no record with this 1C code</translation>
    </message>
    <message>
        <source>В 1С помечено на удаление: в Битрикс24 деактивировано, не удалено</source>
        <translation>Marked for deletion in 1C: deactivated in Bitrix24, not deleted</translation>
    </message>
    <message>
        <source>Будет создано в каталоге Битрикс24 (пробный запуск, ничего не записано)</source>
        <translation>Will be created in the Bitrix24 catalog (dry run, nothing written)</translation>
    </message>
    <message>
        <source>Будет связано с «{b24_title}» по внешнему коду (пробный запуск, ничего не записано)</source>
        <translation>Will be linked to «{b24_title}» by external code (dry run, nothing written)</translation>
    </message>
    <message>
        <source>Будет обновлено в каталоге Битрикс24: {fields} (пробный запуск, ничего не записано)</source>
        <translation>Will be updated in the Bitrix24 catalog: {fields} (dry run, nothing written)</translation>
    </message>
    <message>
        <source>Перенесено не полностью: {note}</source>
        <translation>Brought over incompletely: {note}</translation>
    </message>
    <message>
        <source>Возможный дубль: в портале есть товар «{b24_title}» с тем же артикулом, что у «{onec_title}», но без связи с 1С. Не объединено — проверьте в списке дублей</source>
        <translation>Possible duplicate: the portal has product «{b24_title}» with the same article as «{onec_title}» but no link to 1C. Not merged — check the duplicates list</translation>
    </message>
    <message>
        <source>Обновлено в каталоге Битрикс24: в 1С изменилось: {fields}</source>
        <translation>Updated in the Bitrix24 catalog: changed in 1C: {fields}</translation>
    </message>
    <message>
        <source>Контакт создан в Битрикс24 и привязан к компании: в 1С есть, в портале не найден по идентификатору 1С</source>
        <translation>Contact created in Bitrix24 and bound to its company: it exists in 1C and was not found in the portal by its 1C identity</translation>
    </message>
    <message>
        <source>Будет связан с контактом «{b24_title}» портала по идентификатору 1С (пробный запуск, ничего не записано)</source>
        <translation>Will be linked to the portal contact “{b24_title}” by its 1C identity (dry run, nothing written)</translation>
    </message>
    <message>
        <source>В 1С помечено на удаление: контакт в Битрикс24 не удаляется, комментарий добавлен</source>
        <translation>Marked for deletion in 1C: the Bitrix24 contact is not deleted, a comment is added</translation>
    </message>
    <message>
        <source>Возможный дубль: в портале есть контакт «{b24_title}» с тем же телефоном или e-mail и без идентификатора 1С, похожий на «{onec_title}». Не объединено — проверьте в списке дублей</source>
        <translation>Probable duplicate: the portal has contact “{b24_title}” with the same phone or e-mail and no 1C identity, like “{onec_title}”. Not merged — check the duplicates list</translation>
    </message>
    <message>
        <source>Пропущено: контактное лицо или его контрагент помечены на удаление в 1С, в портал не переносились</source>
        <translation>Skipped: the contact person or its counterparty is marked for deletion in 1C and was not transferred to the portal</translation>
    </message>
    <message>
        <source>Создана в Битрикс24: в 1С есть, в портале не было ни связи, ни компании с ИНН {inn}</source>
        <translation>Created in Bitrix24: present in 1C; the portal had neither a link nor a company with INN {inn}</translation>
    </message>
    <message>
        <source>Создана в Битрикс24: в 1С есть, в портале не найдена (ИНН в 1С не указан)</source>
        <translation>Created in Bitrix24: present in 1C, not found in the portal (no INN in 1C)</translation>
    </message>
    <message>
        <source>Будет создана в Битрикс24 (пробный запуск, ничего не записано)</source>
        <translation>Would be created in Bitrix24 (dry run, nothing written)</translation>
    </message>
    <message>
        <source>Будет связана с «{b24_title}» по ИНН {inn} (пробный запуск, ничего не записано)</source>
        <translation>Would be linked to “{b24_title}” by INN {inn} (dry run, nothing written)</translation>
    </message>
    <message>
        <source>Будет обновлена в Битрикс24: {fields} (пробный запуск, ничего не записано)</source>
        <translation>Would be updated in Bitrix24: {fields} (dry run, nothing written)</translation>
    </message>
    <message>
        <source>{entity}: пропущены, потому что не синхронизированы {dependency}</source>
        <translation>{entity}: skipped because {dependency} were not synced</translation>
    </message>
    <message>
        <source>{entity}: синхронизация не выполнена — {error}</source>
        <translation>{entity}: not synced — {error}</translation>
    </message>
    <message>
        <source>Не перенесена: {problem}</source>
        <translation>Not transferred: {problem}</translation>
    </message>
    <message>
        <source>Запись {key} не перенесена: {problem}. Остальные записи переносятся</source>
        <translation>Record {key} not transferred: {problem}. The other records are transferred</translation>
    </message>
    <message>
        <source>Ошибка портала: {error}</source>
        <translation>Portal error: {error}</translation>
    </message>
    <message>
        <source>Базовый вид цен 1С связан с базовым типом цен портала «{b24_title}»</source>
        <translation>The 1C base price type is linked to the portal's base price type «{b24_title}»</translation>
    </message>
    <message>
        <source>Связана с компанией «{b24_title}» портала по ИНН {inn}{kpp_part}: дубль не создан, название и реквизиты обновлены из 1С</source>
        <translation>Linked to the portal company “{b24_title}” by INN {inn}{kpp_part}: no duplicate created, name and requisites updated from 1C</translation>
    </message>
    <message>
        <source>Связана с существующей записью портала по идентификатору 1С (ORIGIN_ID {origin_id})</source>
        <translation>Linked to an existing portal record by its 1C identifier (ORIGIN_ID {origin_id})</translation>
    </message>
    <message>
        <source>Связано с «{b24_title}» портала по внешнему коду (xmlId = код 1С): дубль не создан</source>
        <translation>Linked to portal record «{b24_title}» by external code (xmlId = 1C code): no duplicate created</translation>
    </message>
    <message>
        <source>Перенесена не полностью: {note}</source>
        <translation>Transferred in part: {note}</translation>
    </message>
    <message>
        <source>В 1С помечена на удаление: в Битрикс24 не удаляется, комментарий добавлен</source>
        <translation>Marked for deletion in 1C: not deleted in Bitrix24, a comment was added</translation>
    </message>
    <message>
        <source>Не перенесена: в 1С уже есть контрагент «{other}» с тем же ИНН {inn}{kpp_part}, он связан с компанией портала. Похоже на дубль в 1С — объедините карточки в 1С</source>
        <translation>Not transferred: 1C already has the counterparty “{other}” with the same INN {inn}{kpp_part}, linked to a portal company. Looks like a duplicate in 1C — merge the cards in 1C</translation>
    </message>
    <message>
        <source>Ответ портала потерялся; запись найдена в сделке, повтор не нужен</source>
        <translation>The portal's answer was lost; the entry was found on the deal, no repeat needed</translation>
    </message>
    <message>
        <source>Документ 1С изменён после записи в сделку; комментарий в ленте не повторяется</source>
        <translation>The 1C document changed after it was written to the deal; the timeline comment is not repeated</translation>
    </message>
    <message>
        <source>Комментарий об этом документе уже есть в ленте сделки: второй не добавлен</source>
        <translation>The deal's timeline already has a comment about this document: no second one added</translation>
    </message>
    <message>
        <source>Записано в сделку Битрикс24: {text}</source>
        <translation>Written to the Bitrix24 deal: {text}</translation>
    </message>
    <message>
        <source>Сделка удалена в Битрикс24: данные 1С по ней не переносятся</source>
        <translation>The deal was deleted in Bitrix24: its 1C data is not transferred</translation>
    </message>
    <message>
        <source>Будет записано в сделку (пробный запуск, ничего не записано)</source>
        <translation>Will be written to the deal (dry run, nothing written)</translation>
    </message>
    <message>
        <source>Счёт уже есть в сделке (по идентификатору 1С): связан, второй не создан</source>
        <translation>The invoice is already on the deal (by its 1C id): linked, no second one created</translation>
    </message>
    <message>
        <source>Пропущено: в 1С изменилась версия, но для сделки ничего не поменялось</source>
        <translation>Skipped: the version changed in 1C, but nothing changed for the deal</translation>
    </message>
    <message>
        <source>Стадия сделки не меняется: для этого события нет стадии в карте стадий или сделка уже дальше</source>
        <translation>The deal stage is kept: the stage map has no stage for this event, or the deal is already further on</translation>
    </message>
    <message>
        <source>Сделка обновлена по данным 1С: {fields}</source>
        <translation>Deal updated from 1C: {fields}</translation>
    </message>
    <message>
        <source>Цены будут записаны в Битрикс24: {prices} (пробный запуск, ничего не записано)</source>
        <translation>Prices will be written to Bitrix24: {prices} (dry run, nothing written)</translation>
    </message>
    <message>
        <source>Цены обновлены в Битрикс24: {fields}</source>
        <translation>Prices updated in Bitrix24: {fields}</translation>
    </message>
    <message>
        <source>Цены записаны в Битрикс24: {prices}</source>
        <translation>Prices written to Bitrix24: {prices}</translation>
    </message>
    <message>
        <source>Возможный дубль: в портале есть «{b24_title}» без ИНН, похожая на «{onec_title}». Не объединено — проверьте в списке дублей</source>
        <translation>Possible duplicate: the portal has “{b24_title}” without an INN, similar to “{onec_title}”. Not merged: review it in the duplicates list</translation>
    </message>
    <message>
        <source>У пользователя интеграции нет права читать {entity_set}: раздел «{entity_title}» пропущен, остальные синхронизируются. {hint}</source>
        <translation>The integration user may not read {entity_set}: section “{entity_title}” is skipped, the others are synchronised. {hint}</translation>
    </message>
    <message>
        <source>Объект {entity_set} не опубликован в OData 1С, а он нужен для раздела «{entity_title}»: раздел пропущен, остальные синхронизируются. {hint}</source>
        <translation>Object {entity_set} is not published in the 1C OData interface, and section “{entity_title}” needs it: the section is skipped, the others are synchronised. {hint}</translation>
    </message>
    <message>
        <source>У объекта {entity_set} в публикации 1С нет реквизита {attribute}: раздел «{entity_title}» переносится без него</source>
        <translation>Object {entity_set} has no attribute {attribute} in the 1C publication: section “{entity_title}” is transferred without it</translation>
    </message>
    <message>
        <source>Объект {entity_set} не опубликован в OData 1С: раздел «{entity_title}» переносится без него — данные этого объекта не используются. {hint}</source>
        <translation>Object {entity_set} is not published in the 1C OData interface: section “{entity_title}” is transferred without it — data from that object is not used. {hint}</translation>
    </message>
    <message>
        <source>У объекта {entity_set} в публикации 1С нет обязательного реквизита {attribute} (его нет в этой версии конфигурации или он не опубликован): раздел «{entity_title}» остановлен. {hint}</source>
        <translation>Object {entity_set} has no required attribute {attribute} in the 1C publication (this release lacks it or it is not published): section “{entity_title}” is stopped. {hint}</translation>
    </message>
    <message>
        <source>Решение пользователя: {text}</source>
        <translation>User's decision: {text}</translation>
    </message>
    <message>
        <source>Ответ 1С на запись заказа потерялся; заказ будет найден по номеру сделки при следующей синхронизации</source>
        <translation>1C's answer to the order write was lost; the order will be found by the deal number at the next sync</translation>
    </message>
    <message>
        <source>Ответ 1С на запись заказа потерялся; заказ найден по номеру сделки, второй не создан</source>
        <translation>1C's answer to the order write was lost; the order was found by the deal number, no second one created</translation>
    </message>
    <message>
        <source>Заказ {number} в 1С не изменён: {why}. Изменения сделки — в списке конфликтов</source>
        <translation>Order {number} in 1C not changed: {why}. The deal's changes are in the conflicts list</translation>
    </message>
    <message>
        <source>Создан контрагент «{company}» (ИНН {inn}) в 1С для сделки</source>
        <translation>Counterparty "{company}" (INN {inn}) created in 1C for the deal</translation>
    </message>
    <message>
        <source>Сделка не перенесена в 1С: {problem}</source>
        <translation>Deal not transferred to 1C: {problem}</translation>
    </message>
    <message>
        <source>Будет создан заказ клиента в 1С (пробный запуск, ничего не записано)</source>
        <translation>A customer order will be created in 1C (dry run, nothing written)</translation>
    </message>
    <message>
        <source>Будет связана с заказом 1С по номеру сделки (пробный запуск, ничего не записано)</source>
        <translation>Will be linked to the 1C order by the deal number (dry run, nothing written)</translation>
    </message>
    <message>
        <source>Будет обновлён заказ клиента в 1С: {fields} (пробный запуск, ничего не записано)</source>
        <translation>The customer order in 1C will be updated: {fields} (dry run, nothing written)</translation>
    </message>
    <message>
        <source>1С не приняла заказ: {error}</source>
        <translation>1C did not accept the order: {error}</translation>
    </message>
    <message>
        <source>Заказ по этой сделке уже есть в 1С (номер по данным клиента {identity}): связан, второй не создан</source>
        <translation>1C already has an order for this deal (customer's number {identity}): linked, no second one created</translation>
    </message>
    <message>
        <source>Создан заказ клиента {number} в 1С по сделке</source>
        <translation>Customer order {number} created in 1C from the deal</translation>
    </message>
    <message>
        <source>Заказ {number}, созданный по сделке, удалён в 1С; новый заказ не создаётся — решите, нужен ли он</source>
        <translation>Order {number} created from the deal was deleted in 1C; no new order is created — decide whether it is needed</translation>
    </message>
    <message>
        <source>Заказ перенесён с замечанием: {note}</source>
        <translation>Order transferred with a remark: {note}</translation>
    </message>
    <message>
        <source>Заказ клиента в 1С обновлён по сделке: {fields}</source>
        <translation>Customer order in 1C updated from the deal: {fields}</translation>
    </message>
    <message>
        <source>Пропущена: сделка изменилась, но товары, количества и суммы те же</source>
        <translation>Skipped: the deal changed, but products, quantities and sums are the same</translation>
    </message>
    <message>
        <source>Пропущена: помечена на удаление в 1С и в портал не переносилась</source>
        <translation>Skipped: marked for deletion in 1C and never transferred to the portal</translation>
    </message>
    <message>
        <source>Пропущена: это группа справочника, а не контрагент</source>
        <translation>Skipped: this is a catalog group, not a counterparty</translation>
    </message>
    <message>
        <source>Пропущена: версия в 1С изменилась, но переносимые данные те же</source>
        <translation>Skipped: the 1C version changed, but the transferred data is the same</translation>
    </message>
    <message>
        <source>Пропущена: в 1С нет изменений с прошлой синхронизации</source>
        <translation>Skipped: no changes in 1C since the last sync</translation>
    </message>
    <message>
        <source>Остатки будут записаны в Битрикс24: {stock} (пробный запуск, ничего не записано)</source>
        <translation>Stock will be written to Bitrix24: {stock} (dry run, nothing written)</translation>
    </message>
    <message>
        <source>Остатки обновлены в Битрикс24: {fields}</source>
        <translation>Stock updated in Bitrix24: {fields}</translation>
    </message>
    <message>
        <source>Остатки записаны в Битрикс24: {stock}</source>
        <translation>Stock written to Bitrix24: {stock}</translation>
    </message>
    <message>
        <source>Обновлена: в 1С изменились поля: {fields}</source>
        <translation>Updated: these fields changed in 1C: {fields}</translation>
    </message>
</context>
<context>
    <name>progress</name>
    <message>
        <source>Ожидание: у Битрикс24 исчерпан лимит времени методов (сбрасывается каждые 10 минут)</source>
        <translation>Waiting: Bitrix24 method time limit reached (it resets every 10 minutes)</translation>
    </message>
    <message>
        <source>Готово</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Поиск записей в Битрикс24</source>
        <translation>Looking records up in Bitrix24</translation>
    </message>
    <message>
        <source>Изменений нет</source>
        <translation>No changes</translation>
    </message>
    <message>
        <source>Опрос изменений</source>
        <translation>Polling for changes</translation>
    </message>
    <message>
        <source>Чтение изменённых записей</source>
        <translation>Reading changed records</translation>
    </message>
    <message>
        <source>Запись в 1С</source>
        <translation>Writing to 1C</translation>
    </message>
    <message>
        <source>Контактные лица</source>
        <translation>Contact persons</translation>
    </message>
    <message>
        <source>Контрагенты</source>
        <translation>Counterparties</translation>
    </message>
    <message>
        <source>Путь клиента</source>
        <translation>Customer path</translation>
    </message>
    <message>
        <source>Цены</source>
        <translation>Prices</translation>
    </message>
    <message>
        <source>Виды цен</source>
        <translation>Price types</translation>
    </message>
    <message>
        <source>Товары и услуги</source>
        <translation>Products and services</translation>
    </message>
    <message>
        <source>Группы номенклатуры</source>
        <translation>Product groups</translation>
    </message>
    <message>
        <source>Заказы клиентов</source>
        <translation>Customer orders</translation>
    </message>
    <message>
        <source>Остатки</source>
        <translation>Stock</translation>
    </message>
    <message>
        <source>Склады</source>
        <translation>Warehouses</translation>
    </message>
    <message>
        <source>Запись в Битрикс24</source>
        <translation>Writing to Bitrix24</translation>
    </message>
</context>
<context>
    <name>status</name>
    <message>
        <source>{n} с</source>
        <translation>{n} s</translation>
    </message>
    <message>
        <source>{m} мин {s} с</source>
        <translation>{m} min {s} s</translation>
    </message>
    <message>
        <source>{h} ч {m} мин</source>
        <translation>{h} h {m} min</translation>
    </message>
    <message>
        <source>{rate} записей/с</source>
        <translation>{rate} records/s</translation>
    </message>
    <message>
        <source>осталось ≈ {time}</source>
        <translation>≈ {time} left</translation>
    </message>
    <message>
        <source>идёт синхронизация: {done} из {total}</source>
        <translation>syncing: {done} of {total}</translation>
    </message>
    <message>
        <source>идёт синхронизация: {stage}</source>
        <translation>syncing: {stage}</translation>
    </message>
    <message>
        <source>идёт синхронизация</source>
        <translation>syncing</translation>
    </message>
    <message>
        <source>ошибка: {text}</source>
        <translation>error: {text}</translation>
    </message>
    <message>
        <source>нет связи: {text}</source>
        <translation>no connection: {text}</translation>
    </message>
    <message>
        <source>синхронизация приостановлена</source>
        <translation>syncing paused</translation>
    </message>
    <message>
        <source>расписание приостановлено до {time}</source>
        <translation>schedule paused until {time}</translation>
    </message>
    <message>
        <source>нужно ваше решение: {n}</source>
        <translation>your decision needed: {n}</translation>
    </message>
    <message>
        <source>синхронизация ещё не выполнялась</source>
        <translation>no sync has run yet</translation>
    </message>
    <message>
        <source>синхронизировано {time}</source>
        <translation>synced at {time}</translation>
    </message>
    <message>
        <source>Последняя синхронизация: ещё не было</source>
        <translation>Last sync: none yet</translation>
    </message>
    <message>
        <source>Последняя синхронизация: {time}</source>
        <translation>Last sync: {time}</translation>
    </message>
    <message>
        <source>Расписание приостановлено</source>
        <translation>Schedule paused</translation>
    </message>
    <message>
        <source>Следующая синхронизация: {time}</source>
        <translation>Next sync: {time}</translation>
    </message>
</context>
<context>
    <name>tray</name>
    <message>
        <source>Синхронизировать сейчас</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>Открыть журнал</source>
        <translation>Open journal</translation>
    </message>
    <message>
        <source>Проверка: дубли и конфликты…</source>
        <translation>Review: duplicates and conflicts…</translation>
    </message>
    <message>
        <source>Предпросмотр синхронизации…</source>
        <translation>Sync preview…</translation>
    </message>
    <message>
        <source>Настройки…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <source>Выход</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>Идёт синхронизация…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <source>Возобновить расписание</source>
        <translation>Resume schedule</translation>
    </message>
    <message>
        <source>Приостановить расписание</source>
        <translation>Pause schedule</translation>
    </message>
    <message>
        <source>Нужно ваше решение: {n}…</source>
        <translation>Your decision needed: {n}…</translation>
    </message>
    <message>
        <source>SyncBridge: нужно ваше решение</source>
        <extracomment>(title, text) of every notification, newest last: what the user was told (tests read it)</extracomment>
        <translation>SyncBridge: your decision needed</translation>
    </message>
    <message>
        <source>Новые возможные дубли или конфликты: {n}. Откройте окно «Проверка».</source>
        <translation>New probable duplicates or conflicts: {n}. Open the “Review” window.</translation>
    </message>
    <message>
        <source>SyncBridge: нет связи</source>
        <translation>SyncBridge: no connection</translation>
    </message>
    <message>
        <source>SyncBridge: ошибка синхронизации</source>
        <translation>SyncBridge: sync error</translation>
    </message>
    <message>
        <source>Синхронизация снова работает.</source>
        <translation>Syncing works again.</translation>
    </message>
</context>
<context>
    <name>vocabulary</name>
    <message>
        <source>Создано</source>
        <translation>Created</translation>
    </message>
    <message>
        <source>Возможный дубль</source>
        <translation>Probable duplicate</translation>
    </message>
    <message>
        <source>Ошибка</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Связано</source>
        <translation>Linked</translation>
    </message>
    <message>
        <source>Отмечено</source>
        <translation>Marked</translation>
    </message>
    <message>
        <source>План</source>
        <translation>Plan</translation>
    </message>
    <message>
        <source>Восстановлено</source>
        <translation>Recovered</translation>
    </message>
    <message>
        <source>Решение</source>
        <translation>Decision</translation>
    </message>
    <message>
        <source>Пропущено</source>
        <translation>Skipped</translation>
    </message>
    <message>
        <source>Обновлено</source>
        <translation>Updated</translation>
    </message>
    <message>
        <source>создано</source>
        <translation>created</translation>
    </message>
    <message>
        <source>возможных дублей</source>
        <translation>probable duplicates</translation>
    </message>
    <message>
        <source>ошибок</source>
        <translation>errors</translation>
    </message>
    <message>
        <source>связано</source>
        <translation>linked</translation>
    </message>
    <message>
        <source>помечено на удаление</source>
        <translation>marked for deletion</translation>
    </message>
    <message>
        <source>просмотрено в 1С</source>
        <translation>seen in 1C</translation>
    </message>
    <message>
        <source>пропущено</source>
        <translation>skipped</translation>
    </message>
    <message>
        <source>без изменений</source>
        <translation>unchanged</translation>
    </message>
    <message>
        <source>обновлено</source>
        <translation>updated</translation>
    </message>
    <message>
        <source>не переносится (ошибки данных)</source>
        <translation>not carried over (data errors)</translation>
    </message>
    <message>
        <source>будет создано</source>
        <translation>to be created</translation>
    </message>
    <message>
        <source>будет связано</source>
        <translation>to be linked</translation>
    </message>
    <message>
        <source>будет помечено</source>
        <translation>to be marked</translation>
    </message>
    <message>
        <source>будет обновлено</source>
        <translation>to be updated</translation>
    </message>
    <message>
        <source>остановлена пользователем</source>
        <translation>stopped by the user</translation>
    </message>
    <message>
        <source>прервана ошибкой</source>
        <translation>stopped by an error</translation>
    </message>
    <message>
        <source>прервана (программа была закрыта)</source>
        <translation>interrupted (the program was closed)</translation>
    </message>
    <message>
        <source>завершена успешно</source>
        <translation>finished successfully</translation>
    </message>
    <message>
        <source>завершена, но часть записей не перенесена</source>
        <translation>finished, but some records were not carried over</translation>
    </message>
    <message>
        <source>идёт сейчас</source>
        <translation>running now</translation>
    </message>
</context>
</TS>